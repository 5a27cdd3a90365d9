import type { DescribeNode } from './describe-tree.js';
import { allValues, child, childValue } from './describe-tree.js';
import {
  commandLines, containerPorts, envFrom, envVars, kubectlTime, present, probe, resourceList, volumeMounts,
} from './describe-values.js';

/**
 * The `Containers:` / `Init Containers:` sections: each child is one container whose lines
 * give both its spec (Image, Ports, Command, Limits, Requests, probes, Environment, Mounts) and,
 * in a pod, its status (State, Last State, Ready, Restart Count, Container ID, Image ID).
 */
type Raw = Record<string, unknown>;

/** `State:  Waiting` with `Reason:`, `Message:`, `Exit Code:`, `Started:`, `Finished:` below it. */
function containerState(node: DescribeNode | undefined): Raw | undefined {
  if (!node) return undefined;
  const reason = present(childValue(node, 'Reason'));
  // all its lines (a termination message can hold the log's tail)
  const message = present(allValues(child(node, 'Message')).join('\n'));
  switch (node.value) {
    case 'Running':
      return { running: { startedAt: kubectlTime(childValue(node, 'Started')) } };
    case 'Waiting':
      return { waiting: { ...(reason ? { reason } : {}), ...(message ? { message } : {}) } };
    case 'Terminated': {
      const signal = present(childValue(node, 'Signal'));
      return {
        terminated: {
          exitCode: Number(childValue(node, 'Exit Code') ?? 0),
          ...(signal ? { signal: Number(signal) } : {}),
          ...(reason ? { reason } : {}),
          ...(message ? { message } : {}),
          startedAt: kubectlTime(childValue(node, 'Started')),
          finishedAt: kubectlTime(childValue(node, 'Finished')),
        },
      };
    }
    default:
      return undefined;
  }
}

export function containerSpec(node: DescribeNode): Raw {
  const resources = { limits: resourceList(child(node, 'Limits')), requests: resourceList(child(node, 'Requests')) };
  return {
    name: node.key,
    image: present(childValue(node, 'Image')),
    command: commandLines(child(node, 'Command')),
    args: commandLines(child(node, 'Args')),
    ports: containerPorts(childValue(node, 'Port') ?? childValue(node, 'Ports')),
    env: envVars(child(node, 'Environment')),
    envFrom: envFrom(child(node, 'Environment Variables from')),
    resources: resources.limits || resources.requests ? resources : {},
    volumeMounts: volumeMounts(child(node, 'Mounts')),
    livenessProbe: probe(childValue(node, 'Liveness')),
    readinessProbe: probe(childValue(node, 'Readiness')),
    startupProbe: probe(childValue(node, 'Startup')),
  };
}

/** The status half; undefined for a pod template (no State line). */
export function containerStatus(node: DescribeNode): Raw | undefined {
  const lastState = containerState(child(node, 'Last State') ?? child(node, 'Last Termination State')) ?? {};
  // A fragment may show only the last termination: the status is known in part.
  const state = containerState(child(node, 'State')) ?? (Object.keys(lastState).length > 0 || child(node, 'Restart Count') ? {} : undefined);
  if (state === undefined) return undefined;
  const ready = childValue(node, 'Ready');
  const started = 'running' in state;
  return {
    name: node.key,
    state,
    lastState,
    ready: ready === 'True',
    restartCount: Number(childValue(node, 'Restart Count') ?? 0),
    image: present(childValue(node, 'Image')) ?? '',
    imageID: present(childValue(node, 'Image ID')) ?? '',
    ...(present(childValue(node, 'Container ID')) ? { containerID: childValue(node, 'Container ID') } : {}),
    started,
  };
}

/** Containers of a section (`Containers:`), in order. */
export const containerNodes = (section: DescribeNode | undefined): DescribeNode[] =>
  section ? section.children.filter((c) => c.key !== null && c.value === '') : [];
