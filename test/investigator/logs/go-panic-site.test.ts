import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/investigator/diagnose.js';
import { classifyLines } from '../../../src/investigator/logs/classify.js';
import { goPanicSite } from '../../../src/investigator/logs/go-panic-site.js';
import { buildKubectlSnapshot } from '../../../src/investigator/sources/kubectl-source.js';
import { halfOf } from '../../fixtures/diagnosis/real/split.js';

/**
 * A Go panic says where it happened: the frame of the goroutine trace after the runtime's own
 * `panic(…)`, runtime frames skipped. Traces as real programs printed them (sources in the comments).
 */

// openshift/cluster-logging-operator#761, as quoted in the PR (the real-world corpus's tuning case): apimachinery's
// HandleCrash logs `Observed a panic:` and re-panics, so its own frames come first.
const CASE = 'o-cluster-logging-operator-pr761-logerr-nil';
const logerrTrace = (): string[] => {
  expect(halfOf(CASE)).toBe('tuning');
  const file = fileURLToPath(new URL(`../../fixtures/diagnosis/real/cases/${CASE}/logs.txt`, import.meta.url));
  return readFileSync(file, 'utf8').trimEnd().split('\n');
};

describe('the site of a Go panic', () => {
  it('after a recovered panic re-raised by HandleCrash: the frame after panic(), not the handler\'s', () => {
    const m = classifyLines(logerrTrace());
    expect(m).toMatchObject({ type: 'application_error', patternId: 'go-panic' });
    expect(m!.facts.detail).toContain('Observed a panic: "invalid memory address or nil pointer dereference"');
    expect(m!.facts.detail).toContain('in github.com/ViaQ/logerr/log.(*Logger).Error (github.com/ViaQ/logerr/log/logger.go:40)');
    expect(m!.evidenceLines.some((l) => l.includes('logerr/log/logger.go:40'))).toBe(true);
  });

  it('a plain runtime panic: the first frame of the trace, the build path shortened to the package path', () => {
    // rancher/opni#402
    const lines = [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b5140d]',
      '',
      'goroutine 1538 [running]:',
      'github.com/rancher/opni/pkg/resources/gateway.(*Reconciler).configMap(0xc001669980)',
      '\t/src/pkg/resources/gateway/configmap.go:49 +0x18d',
    ];
    expect(goPanicSite(lines, 0)).toMatchObject({ func: 'github.com/rancher/opni/pkg/resources/gateway.(*Reconciler).configMap', file: 'pkg/resources/gateway/configmap.go:49' });
    expect(classifyLines(lines)?.facts.detail).toContain('(*Reconciler).configMap');
  });

  it('Go 1.18+ argument lists (braces, elided `_`, `...`)', () => {
    // NimbleArchitect/kubectl-ice#22
    const lines = [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x163d3f6]',
      '',
      'goroutine 1 [running]:',
      'github.com/NimbleArchitect/kubectl-ice/pkg/plugin.(*security).securityBuildRow(_, {{{0x0, 0x0}, {0x0, 0x0}, {0x0, 0x0}, {0x0, 0x0}, {{{...}, ...}, ...}, ...}, ...}, ...)',
      '\t/home/runner/work/kubectl-ice/kubectl-ice/pkg/plugin/security.go:206 +0x836',
      'github.com/NimbleArchitect/kubectl-ice/pkg/plugin.(*security).BuildContainerSpec(_, {{0xc000391cf8, 0x12}, {0xc000391d10, 0x11}, {0x0, 0x0, 0x0}, {0xc00023ca00, 0x2, ...}, ...}, ...)',
      '\t/home/runner/work/kubectl-ice/kubectl-ice/pkg/plugin/security.go:146 +0x105',
    ];
    expect(goPanicSite(lines, 0)?.func).toBe('github.com/NimbleArchitect/kubectl-ice/pkg/plugin.(*security).securityBuildRow');
  });

  it('no trace, no site: the panic is quoted as it was', () => {
    expect(goPanicSite(['panic: no reachable servers'], 0)).toBeUndefined();
    expect(classifyLines(['panic: something went wrong'])?.facts.detail).toBe('panic: something went wrong');
  });

  it('through diagnose, logs alone: the answer names the package that panicked', () => {
    const snapshot = buildKubectlSnapshot([{ name: 'logs.txt', text: logerrTrace().join('\n') }]);
    const d = diagnose(snapshot);
    expect(d.root_cause.type).toBe('application_error');
    expect(d.root_cause.summary).toContain('github.com/ViaQ/logerr/log.(*Logger).Error');
  });
});
