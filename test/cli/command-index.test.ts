import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_INDEX, invokedCommand } from '../../src/cli/command-index.js';
import { fullProgram, programFor } from '../../src/cli/main.js';

/** The index main.ts lists commands from without loading them, against the commands themselves. */
function helpText(program: Command): string {
  let text = '';
  program.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  program.outputHelp();
  return text;
}

describe('command index', () => {
  it('has one entry per command, with the term and description the command declares', async () => {
    const program = await fullProgram();
    const help = program.createHelp();
    const declared = program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) }));
    const indexed = COMMAND_INDEX.map(({ name, term, description }) => ({ name, term, description }));
    // A command added to all-commands.ts without an entry in command-index.ts fails here.
    expect(indexed).toEqual(declared);
  });

  it('each entry loads the command it names', async () => {
    for (const entry of COMMAND_INDEX) expect((await entry.load()).name()).toBe(entry.name);
  });

  it('syntra --help from the index prints what the fully loaded program prints', async () => {
    expect(helpText(await programFor(['--help']))).toBe(helpText(await fullProgram()));
  });

  it('a command line loads only the command it runs; the others stay stubs', async () => {
    const program = await programFor(['runs', 'list']);
    const loaded = program.commands.filter((c) => c.commands.length > 0 || c.options.length > 0).map((c) => c.name());
    expect(loaded).toEqual(['runs']);
  });

  it('finds the command word past options and after help', () => {
    expect(invokedCommand(['--help'])).toBeUndefined();
    expect(invokedCommand(['diagnose', '--from', 'x'])).toBe('diagnose');
    expect(invokedCommand(['-h', 'runs'])).toBe('runs');
    expect(invokedCommand(['help', 'keys'])).toBe('keys');
  });
});
