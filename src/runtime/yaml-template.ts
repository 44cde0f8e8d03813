// A YAML file that is really a Go template not yet rendered (Helm charts, templated Compose
// files). Kept apart from errors.ts, which every run-line parser loads: the yaml library is
// loaded only by the commands that read YAML.
import { visit, type Document, type LineCounter } from 'yaml';

/**
 * A Helm (or other Go text/template) file that was not rendered: `name: {{ .Release.Name }}`
 * is a YAML flow mapping whose key is another mapping, which no manifest a cluster accepts has,
 * and `{{- if .Values.x }}` on a line of its own usually breaks the YAML. The first such place:
 * a flow mapping that starts with `{{`, or a YAML error on a line that holds `{{`. A quoted
 * "{{ ... }}" is a string (Argo and Prometheus manifests carry such strings) and is not one.
 */
export function unrenderedTemplate(text: string, docs: readonly Document.Parsed[], lc: LineCounter): { line: number; text: string } | undefined {
  const at = (offset: number) => {
    const line = lc.linePos(offset).line;
    const src = text.split('\n')[line - 1] ?? '';
    return { line, text: /\{\{.*?\}\}/.exec(src)?.[0] ?? '{{ ... }}' };
  };
  for (const doc of docs) {
    const e = doc.errors[0];
    if (e) {
      const line = e.linePos?.[0].line;
      if (line !== undefined && (text.split('\n')[line - 1] ?? '').includes('{{')) return at(lc.lineStarts[line - 1] ?? 0);
      return undefined;
    }
    let found: number | undefined;
    visit(doc, {
      Map(_, node) {
        if (node.flow && node.range && text.startsWith('{{', node.range[0])) {
          found = node.range[0];
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found !== undefined) return at(found);
  }

  return undefined;
}
