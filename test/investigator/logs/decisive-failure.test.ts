import { describe, expect, it } from 'vitest';
import { classifyLines } from '../../../src/investigator/logs/classify.js';

/**
 * Which failure of a log decides: sequences built from real lines (test/fixtures/logs/real-lines,
 * sources in the comments), each checking one rule of classifyLines.
 */

// python-fastapi-demo-docker PR 18: the app's wait-for-db retry and the database coming up.
const WAIT = 'WARNING:server.app.connect:Postgres is not ready yet. Waiting... connection to server at "db" (172.21.0.2), port 5432 failed: Connection refused';
const WAIT_DETAIL = '\tIs the server running on that host and accepting TCP/IP connections?';
const DB_READY = '2023-11-16 04:59:54.870 UTC [48] LOG:  database system is ready to accept connections';

describe('a failure followed by success is not the decisive failure', () => {
  it('one announced retry is a wait, not a failure', () => {
    expect(classifyLines(['INFO:server.app.connect:Trying to connect to db:5432 as bookdbadmin...', WAIT, WAIT_DETAIL])).toBeUndefined();
  });

  it('a wait that ran out is the failure, not one more retry', () => {
    // Flagsmith/flagsmith-charts#32: wait-for-it announces the wait, then gives up.
    const m = classifyLines([
      'wait-for-it.sh: waiting 30 seconds for flagsmith-flagsmith-postgresql.flagsmith.svc.cluster.local:5432',
      'wait-for-it.sh: timeout occurred after waiting 30 seconds for flagsmith-flagsmith-postgresql.flagsmith.svc.cluster.local:5432',
    ]);
    expect(m).toMatchObject({ type: 'dependency_unreachable', patternId: 'wait-script-timeout', facts: { host: 'flagsmith-flagsmith-postgresql.flagsmith.svc.cluster.local', port: 5432 } });
  });

  it('retries that never succeed are a failure, counted', () => {
    const m = classifyLines([WAIT, WAIT_DETAIL, WAIT, WAIT_DETAIL]);
    expect(m).toMatchObject({ type: 'dependency_unreachable', facts: { host: 'db', port: 5432 }, occurrences: 2 });
  });

  it('retries followed by the dependency accepting connections are no failure', () => {
    expect(classifyLines([WAIT, WAIT_DETAIL, WAIT, WAIT_DETAIL, DB_READY])).toBeUndefined();
  });

  it('a success with another dependency does not clear the failure', () => {
    // bull-board-docker#49, then Minima#603's connection to a different peer
    const m = classifyLines(['Error: connect ECONNREFUSED 127.0.0.1:6379', 'Minima @ 25/03/2023 04:10:41 [468.2 MB] : Connected attempt success to 185.185.83.20:9001']);
    expect(m).toMatchObject({ type: 'dependency_unreachable', facts: { host: '127.0.0.1', port: 6379 } });
  });

  it('a success for the same dependency clears it', () => {
    const m = classifyLines(['Error: connect ECONNREFUSED 185.185.83.20:9001', 'Minima @ 25/03/2023 04:10:41 [468.2 MB] : Connected attempt success to 185.185.83.20:9001']);
    expect(m).toBeUndefined();
  });

  it('does not take "the last packet sent successfully" for a success', () => {
    // maxwell#1855
    const m = classifyLines(['05:23:56,155 ERROR Maxwell - SQLException: Communications link failure', '', 'The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.']);
    expect(m?.type).toBe('dependency_unreachable');
  });
});

describe('a specific cause beats the crash it caused', () => {
  it('the missing command before the exit status', () => {
    // python-docker-dev#8: dash's error, then compose's exit report
    const m = classifyLines(['/bin/sh: 1: gunicorn: not found', 'server-1 exited with code 127']);
    expect(m).toMatchObject({ type: 'bad_command', tier: 'specific', facts: { file: 'gunicorn' } });
    expect(m?.evidenceLines).toEqual(['/bin/sh: 1: gunicorn: not found', 'server-1 exited with code 127']);
  });

  it('the dial failure before a panic, across the goroutine trace', () => {
    // rook#2895's dial timeout, then a Go panic with its trace (publiccode-parser-go#37)
    const m = classifyLines([
      'failed to get pod. Get https://10.96.0.1:443/api/v1/namespaces/rook-ceph-system/pods/rook-ceph-operator-cdc686667-jt96x: dial tcp 10.96.0.1:443: i/o timeout',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x20 pc=0x6fc2ff]',
      '',
      'goroutine 1 [running]:',
    ]);
    // A dial timeout to the API server's address is the API-server family (patterns-apiserver.ts), a specific cause all the same.
    expect(m).toMatchObject({ type: 'network_policy_blocked', facts: { host: '10.96.0.1', port: 443 } });
    expect(m?.evidenceLines.at(-1)).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
  });

  it('the specific cause in the exception message itself', () => {
    // zilean#15 and spring-boot#14307: the exception wraps the cause on the same line
    expect(classifyLines(['Unhandled exception. Npgsql.NpgsqlException (0x80004005): Failed to connect to [::1]:5432'])).toMatchObject({ type: 'dependency_unreachable', facts: { host: '::1', port: 5432 } });
    expect(classifyLines(['panic: no reachable servers'])?.type).toBe('dependency_unreachable');
  });

  it('an older cause outside the failure does not explain a later crash', () => {
    const m = classifyLines([
      'Error: connect ECONNREFUSED 127.0.0.1:6379',
      ...['App listening on port 5000! Go to http://localhost:5000/', 'All workers are running!', 'Found uvloop, using it for optimal performance', 'INFO[2019-07-21 17:07:45] Cache is disabled', '2022/02/20 10:42:18 GET /healthz - 200 OK - ContentLength: 0', 'INFO[2019-07-21 17:07:45] Hosts file has been loaded successfully'],
      'TypeError: Cannot read properties of undefined (reading \'message\')',
    ]);
    expect(m).toMatchObject({ type: 'application_error', tier: 'exception' });
  });
});

describe('names from the lines around a failure', () => {
  it('the service a wait loop announced names the IP the error gives', () => {
    // docker/docs#16933
    const m = classifyLines(['Waiting for mysql:3306............', 'Timeout', 'Error: connect ECONNREFUSED 172.19.0.2:3306', "  code: 'ECONNREFUSED',"]);
    expect(m?.facts).toEqual({ host: 'mysql', port: 3306, address: '172.19.0.2' });
  });
});

describe('lines shaped like failures that are not', () => {
  it('application messages ending in "not found" are no missing command', () => {
    expect(classifyLines(['level=warn msg="GET /v1/items/42: item: not found"'])?.type).not.toBe('bad_command');
  });

  it('a database privilege error is no file permission', () => {
    expect(classifyLines(['ERROR:  permission denied for table users'])?.type).not.toBe('permission_denied');
  });
});
