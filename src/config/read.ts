import { readFileSync } from 'node:fs'
import { ConfigError } from './errors.js'

/**
 * The config file's text, or a ConfigError saying why it cannot be read and, for the two
 * usual mistakes, what to do: no file at all, or a folder where the file should be (what
 * Docker leaves when a bind-mounted file does not exist on the host).
 */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    const hint =
      code === 'ENOENT'
        ? ': no such file (pass --config FILE or set TAGRELAY_CONFIG; start from examples/tagrelay.yaml)'
        : code === 'EISDIR'
          ? ': a folder, not a file (Docker creates one when the file it should mount does not exist)'
          : ''
    throw new ConfigError(file, [`cannot read ${file}: ${code}${hint}`])
  }
}
