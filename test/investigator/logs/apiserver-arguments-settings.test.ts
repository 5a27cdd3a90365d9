import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { classifyLines } from '../../../src/investigator/logs/classify.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';

/**
 * Three families the sixth corpus batch showed in other words, read through the classifier and
 * through diagnose on logs alone: a pod's calls to the API server timing out, an argument parser
 * refusing the container's args, a program's own "<NAME> is a required variable".
 */
const diagnoseLogs = (...lines: string[]) => diagnose(buildKubectlSnapshot([{ name: 'logs.txt', text: lines.join('\n') }]));

describe('a pod whose connections to the Kubernetes API server time out', () => {
  // grafana/loki#10107: the chart's NetworkPolicy had no egress rule for the Kubernetes API
  const LOKI = 'level=error ts=2023-07-31T00:47:52.612472234Z msg="Failed to get API Group-Resources" err="Get \\"https://10.43.0.1:443/api?timeout=32s\\": dial tcp 10.43.0.1:443: i/o timeout"';
  // prometheus-operator/prometheus-operator#3930: kube-state-metrics under Calico network policies (klog, URL unquoted)
  const KSM = 'F0324 00:06:38.451180       1 main.go:147] Failed to create client: error while trying to communicate with apiserver: Get https://172.20.0.1:443/version?timeout=32s: dial tcp 172.20.0.1:443: i/o timeout';

  it('is traffic dropped on the way, a lead below 0.7, with the pod network as its rival', () => {
    expect(classifyLines([LOKI])).toMatchObject({ type: 'network_policy_blocked', patternId: 'apiserver-dial-timeout', facts: { host: '10.43.0.1', port: 443 } });
    expect(classifyLines([KSM])).toMatchObject({ type: 'network_policy_blocked', facts: { host: '172.20.0.1', port: 443 } });
    const d = diagnoseLogs(LOKI);
    expect(d.root_cause.type).toBe('network_policy_blocked');
    expect(d.root_cause.confidence).toBeLessThan(0.7);
    expect(d.root_cause.summary).toContain('10.43.0.1:443');
    expect(d.root_cause.summary).toMatch(/NetworkPolicy/);
    expect(d.hypotheses?.map((h) => h.type)).toContain('node_not_ready');
  });

  it('stays below 0.7 however often the line repeats', () => {
    expect(diagnoseLogs(LOKI, LOKI, LOKI).root_cause.confidence).toBeLessThan(0.7);
  });

  it('a refused connection, or a timeout to anything but the API server, stays an unreachable dependency', () => {
    // kubernetes-retired/dashboard#4855: refused, not dropped
    expect(classifyLines(['Get https://10.96.0.1:443/api/v1/namespaces/default/persistentvolumeclaims: dial tcp 10.96.0.1:443: connect: connection refused'])?.type).toBe('dependency_unreachable');
    expect(classifyLines(['dial tcp 10.0.0.12:5432: i/o timeout'])?.type).toBe('dependency_unreachable');
  });
});

describe('an argument parser refusing the container\'s args', () => {
  it('commander quoting an option and its value given as one argument says so', () => {
    // jupyterhub/zero-to-jupyterhub-k8s#613: configurable-http-proxy, "--log-level debug" as one item of args
    const m = classifyLines(['  error: unknown option `--log-level debug\'']);
    expect(m).toMatchObject({ type: 'bad_command', patternId: 'unknown-argument' });
    expect(m!.facts.detail).toContain('--log-level debug');
    expect(m!.facts.detail).toContain('one argument');
  });

  it('argparse and kingpin in their own words', () => {
    // pyouroboros/ouroboros#52; bvis/docker-node-exporter#5
    expect(classifyLines(['main.py: error: unrecognized arguments: --metrics-port 5000'])?.facts.detail).toBe('error: unrecognized arguments: --metrics-port 5000');
    expect(classifyLines(['node_exporter: error: unknown long flag \'--collector.filesystem.ignored-mount-points "^/(sys|proc|dev|host|etc)($|/)"\', try --help'])?.type).toBe('bad_command');
  });

  it('through diagnose, logs alone: the refused option is in the answer', () => {
    const d = diagnoseLogs('__main__.py: error: unrecognized arguments: --streaming');
    expect(d.root_cause.type).toBe('bad_command');
    expect(d.root_cause.summary).toContain('--streaming');
  });
});

describe('"<NAME> is a required variable"', () => {
  it('the setting is named, before the fatal record that follows it', () => {
    // nre-learning/nrelabs-curriculum#157: Syringe's logrus records
    const m = classifyLines([
      'time="2018-10-22T20:59:21Z" level=error msg="SYRINGE_TIER is a required variable."',
      'time="2018-10-22T20:59:21Z" level=fatal msg="Invalid configuration. Please re-run Syringe with appropriate env variables"',
    ]);
    expect(m).toMatchObject({ type: 'missing_configuration', patternId: 'env-var-required-article', facts: { envVar: 'SYRINGE_TIER' } });
  });

  it('as Go\'s panic and Node\'s uncaught Error print the checks programs write by hand', () => {
    // panic("GOSSIP_AUTH_TOKEN is a required environment variable") and throw new Error(`${key} is a required
    // environment variable`), public Go and Node sources; the runtimes print `panic: <value>` and `Error: <message>`
    expect(classifyLines(['panic: GOSSIP_AUTH_TOKEN is a required environment variable', '', 'goroutine 1 [running]:'])).toMatchObject({ type: 'missing_configuration', facts: { envVar: 'GOSSIP_AUTH_TOKEN' } });
    expect(classifyLines(['Error: BUS_TIME_API_KEY is a required environment variable'])).toMatchObject({ type: 'missing_configuration', facts: { envVar: 'BUS_TIME_API_KEY' } });
  });

  it('words that only look alike are not a missing setting', () => {
    expect(classifyLines(['INFO the field name is a required property of the schema'])).toBeUndefined();
  });
});
