import { isNode, LineCounter, parseDocument, type Document } from 'yaml'

/** One problem before formatting: where (a key path in its file) and what. */
export interface Problem {
  path: PropertyKey[]
  message: string
  /** the file the path is in, when it is not the main config */
  file?: string
}

/**
 * A parsed YAML file that can say where a key path sits, as `file:line:col`, so every
 * problem points at the text to fix. A path into a key that is missing (zod reports
 * "required" at it) points at the nearest enclosing node that exists.
 */
export class YamlFile {
  readonly doc: Document
  private readonly lines = new LineCounter()

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {
    this.doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: this.lines })
  }

  /**
   * YAML syntax errors, each `file:line:col: message`, then the line and a caret under
   * the column: the parser's own message ends in "at line L, column C:" before a frame
   * that the first line alone loses.
   */
  syntaxProblems(): string[] {
    return this.doc.errors.map((e) => {
      const pos = e.linePos?.[0]
      const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
      if (!pos) return `${this.file}: ${message}`
      const line = (this.text.split(/\r?\n/)[pos.line - 1] ?? '').replace(/\t/g, ' ')
      const caret = `${' '.repeat(Math.max(0, pos.col - 1))}^`
      return `${this.file}:${pos.line}:${pos.col}: ${message}\n      ${line}\n      ${caret}`
    })
  }

  locate(path: readonly PropertyKey[]): string {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true)
      if (isNode(node) && node.range) {
        const { line, col } = this.lines.linePos(node.range[0])
        return `${this.file}:${line}:${col}`
      }
    }
    return this.file
  }
}

/**
 * `key.path: [rule "name": ]reason (file:line:col)`. The key path comes first, as it
 * always did; the position is appended so terminals and editors can jump to it.
 */
export function formatProblem(p: Problem, where: YamlFile | undefined, ruleName?: string): string {
  const key = p.path.length > 0 ? p.path.map(String).join('.') : '(root)'
  const rule = ruleName !== undefined && !p.message.includes(`"${ruleName}"`) ? `rule "${ruleName}": ` : ''
  const pos = where ? ` (${where.locate(p.path)})` : p.file ? ` (${p.file})` : ''
  return `${key}: ${rule}${p.message}${pos}`
}
