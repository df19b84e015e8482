/**
 * What `tagrelay <command> --help` prints: one entry per command, each with its usage, what
 * it does and an example. The general usage (`tagrelay --help`) is built from the same
 * entries, so a new command (for example `rerun`) is one entry here and one case in cli.ts.
 */
export interface CommandHelp {
  usage: string
  summary: string
  /** option lines, already aligned */
  options?: string[]
  example: string
}

const CONFIG = '-c, --config FILE      the config file (default: $TAGRELAY_CONFIG, else ./tagrelay.yaml)'
const HELP = '-h, --help             this help'

export const COMMANDS: Record<string, CommandHelp> = {
  serve: {
    usage: 'tagrelay serve [--config FILE]',
    summary: 'receive webhooks and deliver tags (the default command)',
    options: [CONFIG, HELP],
    example: 'tagrelay serve --config /etc/tagrelay/tagrelay.yaml',
  },
  check: {
    usage: 'tagrelay check [--config FILE]',
    summary: 'validate the config and rules, report every problem, then exit (0: valid, 1: not)',
    options: [CONFIG, HELP],
    example: 'tagrelay check --config tagrelay.yaml',
  },
  'test-rule': {
    usage:
      'tagrelay test-rule --source NAME --payload FILE [--content-type TYPE] [--headers FILE] [--query FILE] [--json] [--config FILE]',
    summary: 'explain what the rules do with a sample payload (nothing is sent; secrets need not be set)',
    options: [
      '-s, --source NAME      the source the payload arrives at',
      '-p, --payload FILE     the request body (JSON unless --content-type says otherwise)',
      '    --content-type TYPE how the body is encoded, as the server reads it (application/json,',
      '                       application/x-www-form-urlencoded, multipart/form-data; boundary=...)',
      '    --headers FILE     request headers (JSON object), for $headers paths',
      '    --query FILE       query parameters (JSON object), for $query paths',
      '    --json             print the explanation as JSON',
      CONFIG,
      HELP,
    ],
    example: 'tagrelay test-rule --source typeform --payload examples/payloads/typeform.json',
  },
  'location-secrets': {
    usage: 'tagrelay location-secrets --source NAME [--location NAME|ID] [--config FILE]',
    summary:
      "print each location's own secret for a source with per-location credentials (give each sender only its own)",
    options: [
      '-s, --source NAME      the source (location: { from: url, credentials: per-location })',
      "    --location NAME|ID one location: a YAML name, or an installed location's HighLevel locationId",
      CONFIG,
      HELP,
    ],
    example: 'tagrelay location-secrets --source typeform --location ve9EPM428h8vShlRW1KT',
  },
  config: {
    usage: 'tagrelay config schema',
    summary: "print the config's JSON Schema, with a $defs entry for a rules file (for editors)",
    options: [HELP],
    example: 'tagrelay config schema > tagrelay.schema.json',
  },
  migrate: {
    usage: 'tagrelay migrate [--config FILE]',
    summary: "apply store migrations, then exit (reads only the config's store section)",
    options: [CONFIG, HELP],
    example: 'TAGRELAY_STORE_URL=postgres://tagrelay@db/tagrelay tagrelay migrate',
  },
  replay: {
    usage: 'tagrelay replay [--id N | --all] [--config FILE]',
    summary:
      "list dead letters, or put one (or all) back in the queue with the rules' create: fields now in force (needs the rules and the store, no secret)",
    options: [
      '    --id N             replay the dead letter with job id N',
      '    --all              replay every dead letter',
      CONFIG,
      HELP,
    ],
    example: 'tagrelay replay --id 42',
  },
  'portal-link': {
    usage:
      'tagrelay portal-link (--location NAME... | --company ID) [--viewer] [--ttl MINUTES] [--url BASE] [--config FILE]',
    summary:
      'print a one-time link that opens the console for one location (or a company) only, without a token (needs admin.token and the store)',
    options: [
      '    --location NAME    a location by name or HighLevel id (repeat for several)',
      '    --company ID       every location installed under this HighLevel company',
      '    --viewer           read-only (default: may replay, re-run, re-verify)',
      '    --ttl MINUTES      how long the link can be used (default 60, at most 10080)',
      '    --url BASE         the public base URL, when server.publicUrl is not set',
      CONFIG,
      HELP,
    ],
    example: 'tagrelay portal-link --location "Acme Dental" --viewer --ttl 120',
  },
  rerun: {
    usage: 'tagrelay rerun (--id ID | --source S --since T [--until T]) [--dry-run] [--replan] [--config FILE]',
    summary:
      'judge stored events again with the rules now in force and enqueue what changed (needs the rules and the store, no sender or HighLevel secret)',
    options: [
      '    --id ID            one event, by id',
      '    --source S         every event of source S received from --since (ISO 8601) to --until',
      '    --since T          ISO 8601 time, inclusive',
      '    --until T          ISO 8601 time, exclusive (default now)',
      '    --dry-run          print the plan, enqueue nothing',
      '    --replan           also re-plan jobs still pending or dead under the current rules',
      '                       (their create: fields), even when the tags are the same',
      CONFIG,
      HELP,
    ],
    example: 'tagrelay rerun --source typeform --since 2026-11-27T00:00:00Z --dry-run',
  },
  sandbox: {
    usage: 'tagrelay sandbox [options]',
    summary: 'run the local HighLevel stand-in (for the demo, tests and trying a config)',
    options: [
      '    --port N                     port (default 4010)',
      '    --host ADDR                  address (default 127.0.0.1)',
      '    --token TOKEN=LOCATION_ID    accept a private integration token (repeatable)',
      '    --oauth ID:SECRET:LOCATION   accept an OAuth client (repeatable)',
      '    --agency COMPANY_ID:N        installs approve an agency with N new locations',
      '    --app-webhook-url URL        send signed INSTALL/UNINSTALL app webhooks there',
      "    --shared-secret SECRET       the app's Shared Secret: GET /custom-page plays HighLevel around a Custom Page",
      '    --clock-scale N              run the rate-limit clock N times faster',
      '    --latency-ms N               delay every answer',
      '    --error-rate STATUS=RATE     answer STATUS to this share of calls (repeatable)',
      '    --timeout-rate R             never answer this share of calls',
      '    --reset-rate R               reset the connection on this share of calls',
      '    --outage START_MS:DURATION_MS  answer 503 to everything for a while',
      HELP,
    ],
    example: 'tagrelay sandbox --port 4010 --token pit-demo=loc-demo --error-rate 503=0.1',
  },
  demo: {
    usage: 'tagrelay demo [--keep]',
    summary:
      'run the service against the sandbox with sample events, and print what happened (from a checkout: it reads examples/, which the container image leaves out)',
    options: ['    --keep             keep running after the sample events (Ctrl-C to stop)', HELP],
    example: 'npm run demo',
  },
  healthcheck: {
    usage: 'tagrelay healthcheck [--config FILE] [--timeout-ms N]',
    summary: "call /healthz on the host and port the config names (exit 0: healthy, 1: not); the image's HEALTHCHECK",
    options: ['    --timeout-ms N     give up after N ms (default 2000)', CONFIG, HELP],
    example: 'docker exec tagrelay node dist/cli.js healthcheck',
  },
  alerts: {
    usage: 'tagrelay alerts test [--config FILE]',
    summary: 'send a sample alert to every alert destination now, and say which took it (exit 1 if one did not)',
    options: [CONFIG, HELP],
    example: 'tagrelay alerts test --config tagrelay.yaml',
  },
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name]
  if (!c) return usage()
  const options = c.options ? `\n\noptions:\n${c.options.map((o) => `  ${o}`).join('\n')}` : ''
  return `usage: ${c.usage}\n\n${c.summary}${options}\n\nexample:\n  ${c.example}`
}

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  return `usage: tagrelay <command> [options]

commands:
${lines.join('\n')}

tagrelay <command> --help shows a command's options and an example.
The config file is --config, else $TAGRELAY_CONFIG, else ./tagrelay.yaml.`
}
