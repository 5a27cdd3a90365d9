import type { Json } from './k8s-builders.js';
import { at, meta, resourceVersion, uid } from './k8s-builders.js';

/** Cluster-scoped objects: three healthy m5.large nodes (2 vCPU, 8 GiB), volumes, one storage class. */
const DAY = 24 * 60;

function node(i: number): Json {
  const name = `node-${i}`;
  const zone = ['us-east-1a', 'us-east-1b', 'us-east-1c'][i - 1]!;
  const ip = `10.0.1.1${i}`;
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: at(0.5), lastTransitionTime: at(40 * DAY), reason, message,
  });
  return {
    kind: 'Node', apiVersion: 'v1',
    metadata: meta(name, undefined, 40 * DAY, {
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': 'm5.large', 'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm5.large', 'topology.kubernetes.io/region': 'us-east-1', 'topology.kubernetes.io/zone': zone,
      },
      annotations: {
        'csi.volume.kubernetes.io/nodeid': `{"ebs.csi.aws.com":"i-0${uid(name).replace(/-/g, '').slice(0, 16)}"}`,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    }),
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`], providerID: `aws:///${zone}/i-0${uid(name).replace(/-/g, '').slice(0, 16)}` },
    status: {
      capacity: { cpu: '2', 'ephemeral-storage': '83873772Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '7931952Ki', pods: '29' },
      allocatable: { cpu: '1930m', 'ephemeral-storage': '76224326324', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '7244848Ki', pods: '29' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'InternalDNS', address: `ip-10-0-1-1${i}.ec2.internal` }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: uid(`machine/${name}`).replace(/-/g, ''), systemUUID: uid(`system/${name}`).toUpperCase(), bootID: uid(`boot/${name}`),
        kernelVersion: '5.15.0-1056-aws', osImage: 'Ubuntu 22.04.4 LTS', containerRuntimeVersion: 'containerd://1.7.13',
        kubeletVersion: 'v1.29.3', kubeProxyVersion: 'v1.29.3', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  };
}

export const nodes = (): Json[] => [node(1), node(2), node(3)];

function volume(ns: string, claim: string, size: string, zone: string, ago: number): Json {
  const name = `pvc-${uid(`${ns}/${claim}`)}`;
  return {
    kind: 'PersistentVolume', apiVersion: 'v1',
    metadata: meta(name, undefined, ago, {
      annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com', 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' },
      finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
    }),
    spec: {
      capacity: { storage: size },
      csi: { driver: 'ebs.csi.aws.com', volumeHandle: `vol-0${uid(name).replace(/-/g, '').slice(0, 16)}`, fsType: 'ext4', volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': '1709971200000-8081-ebs.csi.aws.com' } },
      accessModes: ['ReadWriteOnce'],
      claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: claim, uid: uid(`${ns}/${claim}`), apiVersion: 'v1', resourceVersion: resourceVersion() },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'gp3',
      volumeMode: 'Filesystem',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone] }] }] } },
    },
    status: { phase: 'Bound', lastPhaseTransitionTime: at(ago) },
  };
}

export const persistentVolumes = (): Json[] => [
  volume('production', 'postgres-data', '20Gi', 'us-east-1a', 120 * DAY),
  volume('production', 'redis-data-redis-0', '8Gi', 'us-east-1a', 150 * DAY),
  volume('staging', 'postgres-data', '5Gi', 'us-east-1b', 60 * DAY),
];

export const storageClasses = (): Json[] => [{
  kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1',
  metadata: meta('gp3', undefined, 300 * DAY, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
  provisioner: 'ebs.csi.aws.com',
  parameters: { fsType: 'ext4', type: 'gp3' },
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
  volumeBindingMode: 'WaitForFirstConsumer',
}];
