import type { ChildProcess } from 'node:child_process'
import { spawnCli } from '../helpers/cli.js'

/** The chaos runs' service processes, started the way every test starts the CLI. */
export const spawnForTests = (args: string[]): ChildProcess => spawnCli(args)
