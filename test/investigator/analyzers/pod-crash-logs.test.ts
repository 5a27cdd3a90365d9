import { describe, expect, it } from 'vitest';
import { snapshotFromYaml } from '../../fixtures/diagnosis/corpus.js';
import { runOne } from './helpers.js';

/** The log half of the crash analyzer: a crash-looping container whose previous log names the cause. */
const crashLooping = (name: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: t, labels: {app: ${name}}}
spec:
  nodeName: n1
  containers: [{name: app, image: "ghcr.io/example/app:1.0.0"}]
status:
  phase: Running
  containerStatuses: [{name: app, image: x, imageID: "", ready: false, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}}, lastState: {terminated: {exitCode: 1, reason: Error}}}]`;

describe('crash findings from logs', () => {
  it('a dependency that answers too slowly is dependency_slow, naming it and the timeout', () => {
    // requests ReadTimeout as printed in media_preview_generator#22
    const snapshot = snapshotFromYaml(crashLooping('slow'), {
      namespace: 't',
      logs: [{ pod: 'slow', container: 'app', previous: true, text: "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='127.0.0.1', port=32400): Read timed out. (read timeout=30)\n" }],
    });
    const [finding] = runOne('Pod', snapshot);
    expect(finding).toMatchObject({ type: 'dependency_slow', links: { dependency: { host: '127.0.0.1', port: 32400 } } });
    expect(finding!.summary).toContain('waits on a slow dependency, 127.0.0.1:32400: Read timed out. (read timeout=30)');
  });

  it('a missing command printed before the exit status is bad_command naming it', () => {
    // python-docker-dev#8
    const snapshot = snapshotFromYaml(crashLooping('nocmd'), {
      namespace: 't',
      logs: [{ pod: 'nocmd', container: 'app', previous: true, text: '/bin/sh: 1: gunicorn: not found\nserver-1 exited with code 127\n' }],
    });
    const [finding] = runOne('Pod', snapshot);
    expect(finding).toMatchObject({ type: 'bad_command' });
    expect(finding!.summary).toContain('"gunicorn"');
  });

  it('a program that refuses its arguments is bad_command saying so, not "command not found"', () => {
    // kubectl logs of the crash-looping controller in DataDog/watermarkpodautoscaler#97 (the chart passed a flag the image lacks)
    const snapshot = snapshotFromYaml(crashLooping('args'), {
      namespace: 't',
      logs: [{ pod: 'args', container: 'app', previous: true, text: 'flag provided but not defined: -zap-level\nUsage of /manager:\n  -enable-leader-election\n' }],
    });
    const [finding] = runOne('Pod', snapshot);
    expect(finding).toMatchObject({ type: 'bad_command' });
    expect(finding!.summary).toContain('refuses its arguments (flag provided but not defined: -zap-level)');
    expect(finding!.summary).not.toContain('was not found');
  });
});
