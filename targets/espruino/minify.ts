// A token-level minifier for device code: drops comments and the whitespace between tokens
// (Espruino interprets the source text, so both cost time in loops and RAM when code is
// loaded), keeping one space or line break only where two tokens would otherwise merge or where
// a line break carries meaning. Identifiers are not renamed. The output is re-parsed by the
// dialect check in generateModule.
import * as acorn from 'acorn';

const WORDISH = /[A-Za-z0-9_$\\]$/;
const STARTS_WORDISH = /^[A-Za-z0-9_$\\]/;

export function minifyJs(source: string): string {
  const tokens: { text: string; newlineBefore: boolean }[] = [];
  let lastEnd = 0;
  for (const tok of acorn.tokenizer(source, { ecmaVersion: 2020, sourceType: 'script' })) {
    const gap = source.slice(lastEnd, tok.start);
    tokens.push({
      text: source.slice(tok.start, tok.end),
      newlineBefore: /[\n\r\u2028\u2029]/.test(gap.replace(/\/\*[\s\S]*?\*\//g, (c) => (/\n/.test(c) ? '\n' : ''))),
    });
    lastEnd = tok.end;
  }
  let out = '';
  let prev = '';
  for (const t of tokens) {
    let sep = '';
    if (prev) {
      if (WORDISH.test(prev) && STARTS_WORDISH.test(t.text)) sep = ' ';
      else if ((prev.endsWith('+') && t.text.startsWith('+')) || (prev.endsWith('-') && t.text.startsWith('-'))) sep = ' ';
      else if (prev === '/' || t.text.startsWith('/')) sep = ' ';
      // Keep line breaks where ASI could apply (after ) ] } identifiers and literals before
      // a token that could continue the expression): the generated code ends statements with ;
      // so this only triggers on brace-terminated blocks, where a newline is harmless.
      if (t.newlineBefore && !/[;{},(\[]$/.test(prev)) sep = '\n';
    }
    out += sep + t.text;
    prev = t.text;
  }
  return out + '\n';
}
