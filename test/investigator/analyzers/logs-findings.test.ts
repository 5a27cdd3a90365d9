import { describe, expect, it } from 'vitest';
import { buildAnalysisContext } from '../../../src/investigator/analyzers/context.js';
import { analyzeLogs } from '../../../src/investigator/analyzers/logs.js';
import { snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';

/** Logs given without any pod object: the logs analyzer alone turns them into findings. */
const logsAlone = (pod: string, text: string) => analyzeLogs(buildAnalysisContext(snapshotFromYaml('', { namespace: 't', logs: [{ pod, container: 'app', text }] }), { namespace: 't' }), []);

describe('log findings', () => {
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
