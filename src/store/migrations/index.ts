import * as each from './all.js'
import type { Migration } from './migration.js'

/** Every migration this build knows, one file per version, in order (migration.ts has the rules). */
export const migrations: readonly Migration[] = Object.values(each).sort((a, b) => a.version - b.version)

/** The newest schema version this build knows. */
export const latestVersion: number = Math.max(...migrations.map((m) => m.version))
