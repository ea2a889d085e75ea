/** Environment to substitute from; `process.env` has this shape. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Replaces environment references in one token, in CoreDNS's two forms: `{$NAME}` and
 * `{%NAME%}` (the Windows-looking one). An unset variable becomes the empty string, as in
 * CoreDNS. A bare `%NAME%` is NOT a reference, although the book mentions it: CoreDNS
 * never accepted it, and treating it as one would change arguments that contain percent
 * signs.
 *
 * The text is scanned once, left to right, and substituted values are not scanned again,
 * so a value that itself looks like a reference stays literal (CoreDNS rescans, and loops
 * forever on a variable whose value refers to itself). A reference with an empty name or
 * without its closing delimiter is left as written.
 */
export function expandEnv(text: string, env: Environment): string {
  let open = text.indexOf('{');
  if (open < 0) return text;
  let out = '';
  let copied = 0;
  while (open >= 0 && open + 1 < text.length) {
    const sigil = text.charCodeAt(open + 1);
    const close = sigil === 0x24 /* $ */ ? '}' : sigil === 0x25 /* % */ ? '%}' : undefined;
    if (close !== undefined) {
      const end = text.indexOf(close, open + 2);
      if (end > open + 2) {
        out += text.slice(copied, open) + (env[text.slice(open + 2, end)] ?? '');
        copied = end + close.length;
        open = text.indexOf('{', copied);
        continue;
      }
    }
    open = text.indexOf('{', open + 1);
  }
  return copied === 0 ? text : out + text.slice(copied);
}
