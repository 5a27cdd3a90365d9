import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_INDEX } from '../../src/cli/command-index.js';
import { workerCommand } from '../../src/cli/commands/worker.js';
import { render, ROOT, type Obj } from './render.js';

/**
 * The Dockerfile cannot be built here (no container engine), so what can be checked without one
 * is checked: its build runs the scripts CI runs, and the image agrees with the Kubernetes
 * install that runs it (user, port, command line, writable paths).
 */
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => ({ head: s.split('\n')[0]!, body: s }));
const runs = (body: string) => [...body.replace(/\\\n/g, ' ').matchAll(/^RUN (.+)$/gm)].map((m) => m[1]!);

interface Pod { securityContext?: { runAsUser?: number }; containers: Array<{ image: string; args?: string[]; ports?: Array<{ name?: string; containerPort: number }> }> }

describe('Dockerfile', () => {
  it('is multi-stage: a build stage running npm ci (its prepare builds) and npm pack, a runtime stage installing the tarball', () => {
    expect(stages.map((s) => s.head)).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
    expect(runs(stages[0]!.body).join(' && ')).toMatch(/npm ci .*&& .*npm pack --pack-destination \/pkg/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(runs(stages[1]!.body).join(' ')).toMatch(/npm install -g --omit=dev .*\/tmp\/pkg\/syntra-\*\.tgz/);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-/m);
  });

  it('runs as the install\'s non-root user under tini, on the port and with the subcommands the manifests use', () => {
    const runtime = stages[1]!.body;
    const user = /^USER (\d+):(\d+)$/m.exec(runtime)!;
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(runtime)![1]!) as string[];
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'syntra']);
    const exposed = Number(/^EXPOSE (\d+)$/m.exec(runtime)![1]);
    const commands = new Set(COMMAND_INDEX.map((c) => c.name));
    const workerFlags = new Set(workerCommand().options.map((o) => o.long));
    for (const dir of ['deploy/kubernetes/overlays/all-in-one', 'test/deploy/fixtures/distributed-bundled-full']) {
      for (const o of render(dir).filter((x: Obj) => x.kind === 'Deployment')) {
        const pod = (o as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
        expect(pod.securityContext?.runAsUser, o.metadata.name).toBe(Number(user[1]));
        const c = pod.containers[0]!;
        expect(commands.has(c.args![0]!), `${o.metadata.name}: syntra ${c.args![0]}`).toBe(true);
        if (c.args![0] === 'worker') for (const flag of c.args!.filter((a) => a.startsWith('--'))) expect(workerFlags.has(flag), flag).toBe(true);
        const http = c.ports?.find((p) => p.name === 'http');
        if (http) expect(http.containerPort, o.metadata.name).toBe(exposed);
      }
    }
  });

  it('writes only to the data volume and /tmp, so the root filesystem can be read-only', () => {
    const runtime = stages[1]!.body;
    expect(runtime).toMatch(/HOME=\/tmp/);
    expect(runtime).toMatch(/SYNTRA_DATA_DIR=\/var\/lib\/syntra/);
    expect(runtime).toMatch(/^VOLUME \["\/var\/lib\/syntra"\]$/m);
  });
});
