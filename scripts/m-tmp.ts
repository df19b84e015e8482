import { runModel } from './chaos/model.js'
const r = await runModel({ scenarios: Number(process.argv[2] ?? 20), seed: Number(process.argv[3] ?? 1), log: (l) => console.log(l.slice(0, 4000)) })
console.log(JSON.stringify(r))
