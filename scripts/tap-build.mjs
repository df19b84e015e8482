#!/usr/bin/env node
// Runs before tap (`npm run test:unit`, `npm run test:fast`): rebuilds tap's plugged-in Test
// class when it was built with another plugin list than package.json's `tap.plugin`.
//
// Why: tap notices the difference itself and rebuilds, but only after its runner has
// loaded the old class, and the runner takes the loaders it gives every test process
// from that old class. After `npm ci` the old class has every default plugin, so the
// first run gave each test file the ts-node loader of the TypeScript plugin we turn off:
// the same test file cost 3-4 times the CPU (docs/development.md).
import { spawnSync } from 'node:child_process'
import { TapConfig } from '@tapjs/config'
import { signature } from '@tapjs/test'

const config = await TapConfig.load()
if (signature !== config.pluginSignature) {
  console.error('tap: its Test class was built with other plugins than package.json names; rebuilding it first')
  const built = spawnSync('npx', ['tap', 'build'], { stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}
