import { describe, expect, it } from 'vitest';
import { matchMessage } from '../../../src/investigator/messages/catalogue.js';

/**
 * Sentences the catalogue reads in the wordings of other Kubernetes versions and of the tools around
 * it. Each line is as printed (the comment says where), or, where the comment says so, the upstream
 * format string filled the way the program fills it.
 */
describe('the ServiceAccount admission plugin refusing pods of an account without a token', () => {
  // plugin/pkg/admission/serviceaccount/admission.go: 1.0-1.2 Forbidden, with the account as namespace/name
  it('1.0: "no API token found for service account default/default"', () => {
    // scollier/SATraining#75 (Kubernetes 1.0): kubectl create's error
    const m = matchMessage('Error from server: error when creating "apache.json": Pod "apache-pod" is forbidden: no API token found for service account default/default, retry after the token is automatically created and added to the service account');
    expect(m).toMatchObject({ type: 'missing_service_account', rule: 'service-account-no-token', facts: { serviceAccount: 'default', namespace: 'default' }, names: { kind: 'Pod', name: 'apache-pod' } });
    expect(m!.cause).toContain('default/default');
    expect(m!.cause).toContain('--service-account-private-key-file');
  });

  it('1.3+: a ServerTimeout naming the account in quotes, and the controller\'s FailedCreate saying the same', () => {
    // the same file since 1.3: errors.NewServerTimeout(…), "No API token found for service account %q, retry after …"
    const created = matchMessage('Error from server (ServerTimeout): error when creating "mysql.yaml": No API token found for service account "default", retry after the token is automatically created and added to the service account');
    expect(created).toMatchObject({ type: 'missing_service_account', facts: { serviceAccount: 'default' } });
    const event = matchMessage('FailedCreate: Error creating: No API token found for service account "default", retry after the token is automatically created and added to the service account');
    expect(event).toMatchObject({ type: 'missing_service_account', facts: { serviceAccount: 'default' } });
  });
});

describe('quota refusals in their older capitalisation', () => {
  it('"Exceeded quota:" (ResourceQuota admission before 1.7), in an OpenShift console copy', () => {
    // openshift/origin#10407 (OpenShift 1.3 / Kubernetes 1.3)
    const m = matchMessage('Error creating: pods "test-1-" is forbidden: Exceeded quota: compute-resources, requested: limits.cpu=384m,limits.memory=512Mi, used: limits.cpu=384m,limits.memory=512Mi, limited: limits.cpu=384m,limits.memory=512Mi');
    expect(m).toMatchObject({ type: 'resource_quota_exceeded', facts: { quota: 'compute-resources' }, names: { kind: 'ReplicaSet', name: 'test-1' } });
  });
});

describe('a node condition\'s taint is the condition', () => {
  it('a disk-pressure taint clause read alone is node pressure, named', () => {
    // hgop/syllabus-2020#23: the scheduler's clause as a course note quoted it, cut out of its summary
    const m = matchMessage('0 nodes available 1 node(s) had taint {node.kubernetes.io/disk-pressure: }');
    expect(m).toMatchObject({ type: 'node_pressure', rule: 'condition-taint-pressure', facts: { taint: 'node.kubernetes.io/disk-pressure', pressure: 'DiskPressure' } });
    expect(m!.cause).toContain('disk-pressure');
  });

  it('the same in the scheduler\'s summary, and the not-ready and unreachable taints as a node that is not ready', () => {
    // the scheduler's summary (1.19+ "that the pod didn't tolerate"), as FailedScheduling events print it
    expect(matchMessage("0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/disk-pressure: }, that the pod didn't tolerate.")?.type).toBe('node_pressure');
    expect(matchMessage('1 node(s) had taint {node.kubernetes.io/not-ready: }')).toMatchObject({ type: 'node_not_ready', rule: 'condition-taint-not-ready' });
    expect(matchMessage('2 node(s) had taint {node.kubernetes.io/unreachable: }')?.type).toBe('node_not_ready');
  });

  it('a taint someone chose stays a taint to tolerate', () => {
    expect(matchMessage('1 node(s) had taint {dedicated: gpu}')?.type).toBe('unschedulable_taint');
  });
});

describe('a registry refusing a distribution-API call, as go-containerregistry words it', () => {
  it('ECR\'s expired authorization token, quoted', () => {
    // fluxcd/image-reflector-controller#71: the controller's tag scan (account id masked by the reporter)
    const m = matchMessage('GET https://my-id-aws.dkr.ecr.us-east-1.amazonaws.com/v2/image/tags/list?n=1000: DENIED: Your authorization token has expired. Reauthenticate and try again.');
    expect(m).toMatchObject({ type: 'image_pull_error', rule: 'registry-api-refused', facts: { image: 'my-id-aws.dkr.ecr.us-east-1.amazonaws.com/image' } });
    expect(m!.cause).toContain('authorization token has expired');
  });

  it('kaniko fetching a base image the registry will not give it', () => {
    // GoogleContainerTools/kaniko#1410
    const m = matchMessage('error building image: GET https://index.docker.io/v2/library/build_base/manifests/latest: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/build_base Type:repository]]');
    expect(m).toMatchObject({ type: 'image_pull_error', facts: { image: 'index.docker.io/library/build_base' } });
    expect(m!.cause).toContain('UNAUTHORIZED: authentication required');
  });
});

describe('the mount program\'s own output, quoted', () => {
  it('util-linux before 2.30, behind systemd-run\'s scope line, with the filesystem from -t', () => {
    // nacos-group/nacos-k8s#30: the event message pasted as one line
    const m = matchMessage('MountVolume.SetUp failed for volume "nfs-client-root" : mount failed: exit status 32 Mounting command: systemd-run Mounting arguments: --description=Kubernetes transient mount for /var/lib/kubelet/pods/495f9f4f-695a-11e9-a037-52540036d517/volumes/kubernetes.io~nfs/nfs-client-root --scope -- mount -t nfs 172.17.79.3:/data/nfs-share /var/lib/kubelet/pods/495f9f4f-695a-11e9-a037-52540036d517/volumes/kubernetes.io~nfs/nfs-client-root Output: Running scope as unit run-10287.scope. mount: wrong fs type, bad option, bad superblock on 172.17.79.3:/data/nfs-share, missing codepage or helper program, or other error (for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program) In some cases useful info is found in syslog - try dmesg | tail or so.');
    expect(m).toMatchObject({ type: 'volume_mount_failure', rule: 'mount-output-helper' });
    expect(m!.cause).toContain('/sbin/mount.nfs');
    expect(m!.cause).toContain('you might need a /sbin/mount.<type> helper program');
  });

  it('util-linux 2.30+ ("bad option; for several filesystems …")', () => {
    // longhorn/longhorn#1799: mount's line as the describe showed it (rejoined where k9s wrapped it), behind the
    // `Output: ` mount-utils puts before the program's output (k8s.io/mount-utils mount_linux.go)
    const printed = 'mount: /var/lib/kubelet/pods/ee57885a-0cc8-4c87-aef2-668b82fb388d/volumes/kubernetes.io~nfs/pvc-b3f8d754-bdee-4409-96b7-77daec7d22d0: bad option; for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program.';
    const m = matchMessage(`MountVolume.SetUp failed for volume "pvc-b3f8d754-bdee-4409-96b7-77daec7d22d0" : mount failed: exit status 32 Output: ${printed}`);
    expect(m).toMatchObject({ type: 'volume_mount_failure', rule: 'mount-output-helper' });
    expect(m!.cause).toContain('bad option; for several filesystems');
  });
});
