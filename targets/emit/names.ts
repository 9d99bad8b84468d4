// Names and text that travel from a model file into generated code.
//
// Nothing from a model file reaches generated code unchecked:
//  - a symbol prefix (user option or derived from the model name) must be a plain identifier
//    that is not a C/C++ keyword and not in a name space the C standard reserves;
//  - labels and feature names that become identifiers (enum constants) are sanitised to
//    [A-Z0-9_] and made unique;
//  - free text (model name, labels, features) is escaped for the place it lands in: a C or JS
//    string literal, or a comment.
import { Diagnostic, TinyrnnError } from '../../compiler/core/ir/errors';

/** C99/C11/C23 keywords plus C++ keywords (generated headers are usable from C++). */
export const C_RESERVED_WORDS: ReadonlySet<string> = new Set(
  // C99
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
    'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Bool _Complex _Imaginary ' +
    // C11, C23
    '_Alignas _Alignof _Atomic _Generic _Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false ' +
    'nullptr static_assert thread_local true typeof typeof_unqual _BitInt _Decimal32 _Decimal64 _Decimal128 ' +
    // C++
    'and and_eq asm bitand bitor catch char8_t char16_t char32_t class compl concept const_cast consteval constinit ' +
    'co_await co_return co_yield decltype delete dynamic_cast explicit export friend mutable namespace new noexcept ' +
    'not not_eq operator or or_eq private protected public reinterpret_cast requires static_cast template this throw ' +
    'try typeid typename using virtual wchar_t xor xor_eq ' +
    // names every C file sees through the standard headers the generated code includes
    'NULL main errno assert offsetof size_t ptrdiff_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t ' +
    'intptr_t uintptr_t'
  ).split(/\s+/),
);

/** JavaScript reserved words (ES2022 and strict mode) plus names Espruino code must not shadow. */
export const JS_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if implements import in instanceof interface let new null package private protected public return ' +
    'static super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity ' +
    'E process require module exports global globalThis Math Object Array Int8Array Int16Array Int32Array Uint8Array'
  ).split(/\s+/),
);

export const MAX_PREFIX_LENGTH = 24;

/**
 * Problems with a symbol prefix for generated C (empty list: fine). `where` names the option or
 * field the prefix came from, for the diagnostic.
 */
export function prefixProblems(prefix: string, where = '--prefix', reserved: ReadonlySet<string> = C_RESERVED_WORDS): Diagnostic[] {
  const out: Diagnostic[] = [];
  const d = (message: string, expected: string, hint?: string) => out.push({ code: 'EMIT001', path: where, message, value: prefix, expected, hint });
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix)) {
    d('is not a plain identifier', 'a letter followed by letters, digits or _ (ASCII)', 'for example --prefix gestures');
    return out;
  }
  if (prefix.length > MAX_PREFIX_LENGTH)
    d(`is ${prefix.length} characters long`, `at most ${MAX_PREFIX_LENGTH} (generated names add up to 7 more; C99 guarantees 31 significant characters)`);
  if (prefix.includes('__') || prefix.endsWith('_'))
    d('contains "__" or ends with "_"', 'no double underscore in generated names (reserved for the compiler in C++)');
  if (reserved.has(prefix) || reserved.has(prefix.toLowerCase()))
    d('is a reserved word', 'a name that is not a C or C++ keyword or standard name', `try --prefix ${prefix.toLowerCase()}_model`);
  if (
    /^(str|mem|wcs)[a-z]/.test(prefix) ||
    /^E[0-9A-Z]/.test(prefix) ||
    /^SIG[A-Z_]/.test(prefix) ||
    /^LC_[A-Z]/.test(prefix) ||
    /^(PRI|SCN)[a-zX]/.test(prefix) ||
    /^(atomic|memory)_/.test(prefix)
  ) {
    d(
      'starts like a name the C standard library reserves',
      'a prefix outside str[a-z]*, mem[a-z]*, wcs[a-z]*, E[0-9A-Z]*, SIG*, LC_*, PRI*, SCN*, atomic_*, memory_*',
      'for example --prefix rnn_' +
        prefix
          .replace(/[^A-Za-z0-9]/g, '')
          .toLowerCase()
          .slice(0, 12),
    );
  }
  return out;
}

/** Throw a TinyrnnError (code EMIT001) listing every problem with the prefix. */
export function validatePrefix(prefix: string, where = '--prefix', reserved: ReadonlySet<string> = C_RESERVED_WORDS): string {
  const p = prefixProblems(prefix, where, reserved);
  if (p.length) throw new TinyrnnError(p);
  return prefix;
}

/**
 * A prefix derived from free text (the model name): lower-case ASCII identifier, falling back to
 * `fallback` when nothing usable is left or the result would be rejected by prefixProblems.
 */
export function derivePrefix(text: string, fallback = 'model', reserved: ReadonlySet<string> = C_RESERVED_WORDS): string {
  let s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (/^[0-9]/.test(s)) s = 'm_' + s;
  s = s.slice(0, MAX_PREFIX_LENGTH).replace(/_+$/, '');
  return s && prefixProblems(s, 'name', reserved).length === 0 ? s : fallback;
}

/**
 * Upper-case identifier fragments for a list of free-text names (labels, features), unique and
 * never empty: "Shake left!" -> SHAKE_LEFT, "" -> CLASS_2, duplicates get _2, _3...
 * The fragments are meant to follow a validated prefix (PREFIX_CLASS_SHAKE_LEFT), so they may start
 * with a digit.
 */
export function identifierFragments(names: readonly string[], fallbackStem: string): string[] {
  const used = new Set<string>();
  return names.map((n, i) => {
    let s = n
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toUpperCase()
      .slice(0, 32)
      .replace(/_+$/, '');
    if (!s) s = `${fallbackStem}_${i}`;
    let u = s;
    for (let k = 2; used.has(u); k++) u = `${s}_${k}`;
    used.add(u);
    return u;
  });
}

/**
 * A C string literal (with the quotes) carrying `text` exactly: printable ASCII stays, `"` `\`
 * and `?` (trigraphs) are escaped, everything else is written as UTF-8 bytes in 3-digit octal
 * escapes (hex escapes would swallow following hex digits).
 */
export function cString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x3f) out += '\\?';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out + '"';
}

/**
 * Text safe inside a block comment (C, C++, JS) on one line: no comment openers or closers,
 * no line breaks (so no backslash-newline splicing), no control characters, no trigraphs;
 * non-ASCII becomes \u{...} so the file stays ASCII.
 */
export function commentText(text: string, maxLength = 200): string {
  let s = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09) s += ' ';
    else if (cp < 0x20 || cp === 0x7f) s += ' ';
    else if (cp > 0x7e) s += `\\u{${cp.toString(16)}}`;
    else s += ch;
  }
  s = s.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *').replace(/\?\?/g, '? ?').replace(/\/\//g, '/ /');
  // A trailing backslash could splice the next line into a // comment of a later edit: drop it.
  s = s.replace(/\\+$/, (m) => m.replace(/\\/g, '/'));
  if (s.length > maxLength) s = s.slice(0, maxLength - 3) + '...';
  return s;
}

/** A JavaScript string literal carrying `text` exactly, ASCII only (\uXXXX for the rest). */
export function jsString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += ch === '<' ? '\\x3c' : ch;
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}
