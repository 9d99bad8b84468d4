// The Handlebars driver shared by the code-generation targets.
//
// Templates hold layout, not arithmetic: the emit step computes every name, size and literal and
// hands the template a plain view object; the template loops and places text. Templates are
// compiled with { noEscape: true, strict: true }: no HTML escaping (it would turn `<` into
// `&lt;`), and a field missing from the view is an error, never silently empty text.
// Templates are read from the package folder at run time (targets/<name>/templates/*.hbs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';

export type TemplateFn = (view: object) => string;

export interface TemplateSet {
  /** Folder the templates come from. */
  dir: string;
  /** Render `name` (file name without .hbs) with a view. */
  render(name: string, view: object): string;
  /** Names of the templates in the folder. */
  names(): string[];
}

/** Helpers every target may use. They format; they never compute model arithmetic. */
function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('join', (list: unknown, sep: unknown) => {
    if (!Array.isArray(list)) throw new Error('join: expected a list');
    return list.join(typeof sep === 'string' ? sep : ', ');
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hb.registerHelper('not', (a: unknown) => !a);
  hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  // Right-pad text to a column width (aligned tables in generated comments).
  hb.registerHelper('pad', (text: unknown, width: unknown) => String(text).padEnd(Number(width)));
  hb.registerHelper('padStart', (text: unknown, width: unknown) => String(text).padStart(Number(width)));
}

/** Each layer kind's partials of one stage, `layersDir/<kind>/<stage>-*.hbs`, used as {{> <kind>/<stage>-name}}. */
export interface KindPartials {
  layersDir: string;
  stage: string;
}

function registerKindPartials(hb: typeof Handlebars, { layersDir, stage }: KindPartials): void {
  for (const kind of fs.readdirSync(layersDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const files = fs.readdirSync(path.join(layersDir, kind.name)).filter((f) => f.startsWith(`${stage}-`) && f.endsWith('.hbs'));
    for (const f of files) hb.registerPartial(`${kind.name}/${f.slice(0, -4)}`, fs.readFileSync(path.join(layersDir, kind.name, f), 'utf8'));
  }
}

/** Load every *.hbs in `dir` (partials: files starting with `_`, used as {{> _name}}), and the kinds' partials if given. */
export function loadTemplates(dir: string, kinds?: KindPartials): TemplateSet {
  const hb = Handlebars.create();
  registerHelpers(hb);
  if (kinds) registerKindPartials(hb, kinds);
  const compiled = new Map<string, TemplateFn>();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.hbs'));
  for (const f of files) {
    const name = f.slice(0, -4);
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    if (name.startsWith('_')) hb.registerPartial(name, src);
    compiled.set(name, hb.compile(src, { noEscape: true, strict: true, preventIndent: true }));
  }
  return {
    dir,
    names: () => [...compiled.keys()].filter((n) => !n.startsWith('_')),
    render(name, view) {
      const t = compiled.get(name);
      if (!t) throw new Error(`template ${name}.hbs not found in ${dir}`);
      try {
        return tidy(t(view));
      } catch (e) {
        throw new Error(`template ${name}.hbs: ${(e as Error).message}`);
      }
    },
  };
}

/** Collapse runs of blank lines left by template blocks and end with one newline. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n*$/, '\n');
}
