import { allNodes, flagWords, quote, transitions, valueFlags, type CompletionNode } from './completion-tree.js';

/**
 * The three scripts share one idea: walk the words typed so far (skipping flags, and the value after
 * a flag that takes one) to find the command being typed, then offer that command's subcommands, or
 * its flags when the word starts with `-`. The tree is baked in as case tables, so a script needs
 * nothing but the shell (no call back into scimctl on each Tab).
 */
export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: Shell[] = ['bash', 'zsh', 'fish'];

const pattern = (words: string[], sep = '|') => words.map(quote).join(sep);

/** `case` arms (bash and zsh) that move from one command to a child on a typed name or alias. */
function walkArms(root: CompletionNode, open: string, indent: string): string[] {
  const byTarget = new Map<string, string[]>();
  for (const [from, word, to] of transitions(root)) byTarget.set(to, [...(byTarget.get(to) ?? []), `${from}:${word}`]);
  return [...byTarget].map(([to, keys]) => `${indent}${open}${pattern(keys)}) next=${quote(to)} ;;`);
}

export function bashScript(root: CompletionNode): string {
  const values = pattern(valueFlags(root));
  const arms = allNodes(root).map((n) => `    ${quote(n.path)}) commands=${quote(n.children.map((c) => c.name).join(' '))}; flags=${quote(flagWords(n).join(' '))} ;;`);
  return `# bash completion for scimctl, generated from its commands by "scimctl completion bash".
# Load it with: source <(scimctl completion bash)
_scimctl() {
  local cur prev word next cmdpath="" commands="" flags="" i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      ${values}) ((i++)); continue ;;
      -*) continue ;;
    esac
    next=""
    case "$cmdpath:$word" in
${walkArms(root, '', '      ').join('\n')}
    esac
    if [[ -n "$next" ]]; then cmdpath="$next"; fi
  done
  # The value of a flag: files, as bash would offer anyway.
  case "$prev" in
    ${values}) return 0 ;;
  esac
  case "$cmdpath" in
${arms.join('\n')}
  esac
  # Words never hold spaces, so compgen's output splits safely (and this runs on macOS's bash 3.2).
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  fi
}
complete -o default -F _scimctl scimctl
`;
}

/** `name:description` entries for zsh's _describe, quoted. */
const described = (items: [string, string][]) => items.map(([name, text]) => quote(`${name}:${text}`)).join(' ');

export function zshScript(root: CompletionNode): string {
  const values = pattern(valueFlags(root));
  const arms = allNodes(root).map((n) => {
    const commands = described(n.children.map((c) => [c.name, c.description]));
    const flags = described(n.flags.flatMap((f) => [f.long, f.short].filter((w): w is string => w !== undefined).map((w): [string, string] => [w, f.description])));
    return `    (${quote(n.path)}) commands=(${commands}); flags=(${flags}) ;;`;
  });
  return `#compdef scimctl
# zsh completion for scimctl, generated from its commands by "scimctl completion zsh".
# Save it as _scimctl in a folder of $fpath, or load it with: source <(scimctl completion zsh)
_scimctl() {
  local cmdpath="" word next i
  local -a commands flags
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    case $word in
      (${values}) ((i++)); continue ;;
      (-*) continue ;;
    esac
    next=""
    case "$cmdpath:$word" in
${walkArms(root, '(', '      ').join('\n')}
    esac
    if [[ -n $next ]]; then cmdpath=$next; fi
  done
  case \${words[CURRENT-1]} in
    (${values}) _files; return ;;
  esac
  case $cmdpath in
${arms.join('\n')}
  esac
  if [[ $PREFIX == -* ]]; then
    _describe -t options option flags
  elif (( \${#commands} )); then
    _describe -t commands command commands
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _scimctl ]]; then _scimctl "$@"; else compdef _scimctl scimctl; fi
`;
}

export function fishScript(root: CompletionNode): string {
  const cases = new Map<string, string[]>();
  for (const [from, word, to] of transitions(root)) cases.set(to, [...(cases.get(to) ?? []), `${from}:${word}`]);
  const walk = [...cases].map(([to, keys]) => `            case ${pattern(keys, ' ')}\n                set cmdpath ${quote(to)}`);
  const lines: string[] = [];
  for (const n of allNodes(root)) {
    const at = quote(`__scimctl_at ${quote(n.path)}`);
    for (const c of n.children) lines.push(`complete -c scimctl -f -n ${at} -a ${quote([c.name, ...c.aliases].join(' '))} -d ${quote(c.description)}`);
    for (const f of n.flags) {
      const spell = [f.long && `-l ${quote(f.long.slice(2))}`, f.short && `-s ${quote(f.short.slice(1))}`].filter(Boolean).join(' ');
      lines.push(`complete -c scimctl -n ${at} ${spell}${f.takesValue ? ' -r' : ''} -d ${quote(f.description)}`);
    }
  }
  return `# fish completion for scimctl, generated from its commands by "scimctl completion fish".
# Save it as ~/.config/fish/completions/scimctl.fish, or load it with: scimctl completion fish | source
function __scimctl_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case ${pattern(valueFlags(root), ' ')}
                set skip 1
                continue
            case '-*'
                continue
        end
        switch "$cmdpath:$word"
${walk.join('\n')}
        end
    end
    echo $cmdpath
end

function __scimctl_at
    set -l current (__scimctl_path)
    test "$current" = "$argv[1]"
end

${lines.join('\n')}
`;
}
