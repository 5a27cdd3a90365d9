import { describe, expect, it } from 'vitest';
import { buildAnalysisContext } from '../../../src/investigator/analyzers/context.js';
import { analyzeLogs } from '../../../src/investigator/analyzers/logs.js';
import { snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';

/** Logs given without any pod object: the logs analyzer alone turns them into findings. */
const logsAlone = (pod: string, text: string) => analyzeLogs(buildAnalysisContext(snapshotFromYaml('', { namespace: 't', logs: [{ pod, container: 'app', text }] }), { namespace: 't' }), []);

const readyPod = `
apiVersion: v1
kind: Pod
metadata: {name: backup-mongodb-0, namespace: t}
spec:
  containers: [{name: app, image: "docker.io/example/batch-sdk:1.0"}]
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses: [{name: app, image: x, imageID: "", ready: true, restartCount: 0, state: {running: {startedAt: "2023-06-27T07:40:00Z"}}}]`;

// The same failure twice, two seconds apart, as the sidecar logged it (apecloud/kubeblocks#3985).
const AUTH_FAILED = [
  'time="2023-06-27T07:40:27.178334651Z" level=error msg="error in connecting to mongodb, host: localhost:27017 error: connection() error occurred during connection handshake: auth error: sasl conversation error: unable to authenticate using mechanism \\"SCRAM-SHA-1\\": (AuthenticationFailed) Authentication failed." app_id=batch-sdk instance=cluster-bhxetv-backup-mongodb-0 scope=dapr.contrib type=log ver=unknown',
  'time="2023-06-27T07:40:29.186964439Z" level=error msg="error in connecting to mongodb, host: localhost:27017 error: connection() error occurred during connection handshake: auth error: sasl conversation error: unable to authenticate using mechanism \\"SCRAM-SHA-1\\": (AuthenticationFailed) Authentication failed." app_id=batch-sdk instance=cluster-bhxetv-backup-mongodb-0 scope=dapr.contrib type=log ver=unknown',
];
const readyPodLogs = (lines: string[]) =>
  analyzeLogs(buildAnalysisContext(snapshotFromYaml(readyPod, { namespace: 't', logs: [{ pod: 'backup-mongodb-0', container: 'app', text: `${lines.join('\n')}\n` }] }), { namespace: 't' }), []);

describe('log findings', () => {
  it('a Ready pod: one failure line is a hint below 0.7; the same failure repeated is a finding with its count', () => {
    const [once] = readyPodLogs(AUTH_FAILED.slice(0, 1));
    expect(once).toMatchObject({ type: 'missing_configuration' });
    expect(once!.confidence).toBeLessThan(0.7);
    const [twice] = readyPodLogs(AUTH_FAILED);
    expect(twice).toMatchObject({ type: 'missing_configuration', confidence: 0.8 });
    expect(twice!.summary).toContain('2 times in the logs');
  });

  it('a client that dialled a command-line option as its host is missing configuration (the variable before it was empty), not DNS', () => {
    // redis-cli started as `redis-cli -h $HOST -p 6379` with HOST empty (kubernetes/kubernetes#10087)
    const [finding] = logsAlone('redis-master', 'Could not connect to Redis at -p:6379: Name or service not known\nFailed to find master.\n');
    expect(finding).toMatchObject({ type: 'missing_configuration' });
    expect(finding!.summary).toContain('-p');
  });

  it('a failure on an address is attributed to the service the same line names for that port', () => {
    // FlyersWeb/dhtbay#25
    const [finding] = logsAlone('dhtbay', 'MongoError: failed to connect to server [mongo:27017] on first connect [MongoError: connect ECONNREFUSED 172.18.0.3:27017]\n');
    expect(finding).toMatchObject({ type: 'dependency_unreachable', links: { dependency: { host: 'mongo', port: 27017 } } });
  });
});
