/**
 * Text from outside (what an IdP provisioned, what a client sent) shown on a terminal: control
 * characters in it could set the window title, clear the screen or fake a table row, so they are
 * shown, not obeyed, as gh does: C0 and DEL in caret notation (ESC is ^[, a newline ^J), C1 as \x9b.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0x80 ? `\\x${code.toString(16)}` : `^${String.fromCharCode(code ^ 0x40)}`;
  });
}

/** Colour codes that chalk wraps a whole cell in: kept; everything between them escaped. */
const WRAPPED = /^((?:\u001b\[[0-9;]*m)*)([\s\S]*?)((?:\u001b\[[0-9;]*m)*)$/;

/** A table cell or field value that may be wrapped in our own colour, with outside text inside. */
export function safeCell(cell: string): string {
  const [, open = '', inner = '', close = ''] = WRAPPED.exec(cell) ?? [];
  return open + escapeControls(inner) + close;
}

/** Pretty-printed JSON is escaped already, except DEL and the C1 controls JSON leaves raw. */
export function safeJson(text: string): string {
  return text.replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `1 user`, `2 users`: a count with its noun in the right number. */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
