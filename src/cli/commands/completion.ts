import { Argument, Command } from 'commander';

/**
 * `syntra completion bash|zsh`: a completion script generated from the command tree itself,
 * so new commands and options complete without anyone editing a script.
 */
interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(cmd: Command, path: string[] = []): Node[] {
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const node: Node = {
    path,
    subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]),
    options: [...cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))), '--help'],
  };
  return [node, ...visible.flatMap((c) => walk(c, [...path, c.name()]))];
}

export function bashScript(root: Command): string {
  const cases = walk(root)
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.options].join(' ')}" ;;`)
    .join('\n');
  return `# bash completion for syntra — add to ~/.bashrc:  source <(syntra completion bash)
_syntra_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case " $(_syntra_words "$path") " in
      *" $w "*) path="\${path:+$path }$w" ;;
    esac
  done
  COMPREPLY=( $(compgen -W "$(_syntra_words "$path")" -- "$cur") )
}
_syntra_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -F _syntra_complete syntra
`;
}

export function zshScript(root: Command): string {
  // zsh runs the bash function through bashcompinit: one generated definition for both shells.
  return `#compdef syntra
# zsh completion for syntra — add to ~/.zshrc:  source <(syntra completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(root).split('\n').slice(1).join('\n')}`;
}

export function completionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script (bash or zsh)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText('after', '\nExamples:\n  $ source <(syntra completion bash)            # try it in this shell\n  $ syntra completion bash > /etc/bash_completion.d/syntra\n  $ echo \'source <(syntra completion zsh)\' >> ~/.zshrc')
    .action((shell: 'bash' | 'zsh', _opts: unknown, self: Command) => {
      let root = self;
      while (root.parent) root = root.parent;
      process.stdout.write(shell === 'bash' ? bashScript(root) : zshScript(root));
    });
}
