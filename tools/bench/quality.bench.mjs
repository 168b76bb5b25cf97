#!/usr/bin/env node
// npm run bench:quality -- [--seed 42] [--runs 3] [--size 400] [--scenario all|name[,name]] [--examples 3] [--source | --engine PATH]
//
// Matching quality on the generated truth set (tools/data/generate-truth-set.mjs): each scenario
// is generated for seeds seed, seed+1, ... (one per run), matched by the built engine
// (`matchEntries` from @concilia/domain, libs/domain/dist: `npm run build` first; `--source`
// loads libs/domain/src through @swc-node/register instead; `--engine PATH` any module exporting
// matchEntries and DEFAULT_MATCHING_RULES, e.g. another checkout's libs/domain/dist, to compare),
// and scored against its ground truth.
// Beside it runs the floor: a naive matcher (exact reference, then exact amount on the same day,
// unique on both sides), scored the same way.
//
// Measures (pairs = every (statementId, ledgerId) inside one proposed match):
//   precision  correct predicted pairs / predicted pairs (ACCEPTED and SUGGESTED matches)
//   recall     true pairs found / true pairs (pairs of the true groups)
//   P(acc)     precision of the ACCEPTED pairs alone; an ACCEPTED pair inside an ambiguous group
//              is never counted correct (accepting a coin toss is the failure, even a lucky one)
//   auto       true pairs found by ACCEPTED matches / true pairs (how much needs no person)
//   tie acc.   ACCEPTED matches touching an ambiguous-by-construction group (target: 0)
//   dup        repeated statement lines flagged DUPLICATE_STATEMENT_ENTRY / repeats
//   status     cancelled-but-paid orders with a STATUS_MISMATCH / such orders
// Two conventions, because the truth cannot say more than the data:
//   - ties: in an ambiguous group (one line, several indistinguishable orders) pairing the line
//     with any of the candidates stands for the true pair (the generator's choice of the "true"
//     one is a coin toss no engine can see). The strict figures (no stand-in) are in the JSON.
//   - repeats: a line and its exact repeat are interchangeable; whichever of the two the engine
//     matches stands for the original.
// It is a measurement, not a test: missed targets are printed, the exit code stays 0.
// Appends one JSON line to tools/bench/results/quality.jsonl.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateScenario, GENERATOR_VERSION, SCENARIO_NAMES, toMatchingInput } from '../data/generate-truth-set.mjs';
import { record, ROOT, summarize, table } from './bench-kit.mjs';

const TARGETS = { precision: 0.995, recall: 0.99, falseAutoAccepts: 0 };
const ACTIVE = new Set(['ACCEPTED', 'SUGGESTED']);

// ---------------------------------------------------------------------------------------------
// Options and engine

function parseOptions(argv) {
  const options = { seed: 42, runs: 3, size: 400, scenario: 'all', examples: 3, source: false, engine: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--seed':
      case '--runs':
      case '--size':
      case '--examples': {
        const n = Number(value());
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
        options[flag.slice(2)] = n;
        break;
      }
      case '--scenario':
      case '--scenarios':
        options.scenario = value();
        break;
      case '--source':
        options.source = true;
        break;
      case '--engine':
        options.engine = value();
        break;
      default:
        throw new Error(`unknown option ${argv[i]}; known: --seed N, --runs N, --size N, --scenario all|name[,name], --examples N, --source, --engine PATH`);
    }
  }
  if (options.runs < 1) options.runs = 1;
  options.scenarios = options.scenario === 'all' ? [...SCENARIO_NAMES] : options.scenario.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of options.scenarios) if (!SCENARIO_NAMES.includes(name)) throw new Error(`unknown scenario '${name}'; known: ${SCENARIO_NAMES.join(', ')}`);
  return options;
}

function loadEngine(fromSource, enginePath) {
  const require = createRequire(import.meta.url);
  let domain;
  let origin;
  let files;
  if (enginePath) {
    const resolved = require.resolve(resolve(enginePath));
    domain = require(resolved);
    origin = resolved;
    files = join(dirname(resolved), 'matching');
  } else if (fromSource) {
    require('@swc-node/register');
    domain = require(join(ROOT, 'libs/domain/src/index.ts'));
    origin = 'libs/domain/src (swc)';
    files = join(ROOT, 'libs/domain/src/matching');
  } else {
    domain = require('@concilia/domain');
    origin = 'libs/domain/dist';
    files = join(ROOT, 'libs/domain/dist/matching');
  }
  if (typeof domain.matchEntries !== 'function' || !domain.DEFAULT_MATCHING_RULES) {
    throw new Error(`@concilia/domain (${origin}) does not export matchEntries and DEFAULT_MATCHING_RULES yet: run \`npm run build\` (or pass --source)`);
  }
  // A fingerprint of the engine's code, so a result line says which engine it measured.
  const hash = createHash('sha256');
  for (const name of (existsSync(files) ? readdirSync(files) : []).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.spec.')).sort()) {
    hash.update(name).update(readFileSync(join(files, name)));
  }
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a checkout
  }
  return { matchEntries: domain.matchEntries, defaults: domain.DEFAULT_MATCHING_RULES, origin, fingerprint: hash.digest('hex').slice(0, 12), commit };
}

// ---------------------------------------------------------------------------------------------
// The floor: a naive matcher

function normalizeRef(ref) {
  return ref
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Exact reference 1:1, then exact amount on the same day, unique on both sides. All ACCEPTED. */
function naiveMatch(input) {
  const matches = [];
  const usedS = new Set();
  const usedL = new Set();
  const byRef = new Map();
  for (const l of input.ledger) {
    const key = normalizeRef(l.externalId);
    byRef.set(key, byRef.has(key) ? null : l);
  }
  for (const s of input.statement) {
    for (const ref of s.references) {
      const l = byRef.get(normalizeRef(ref));
      if (l && !usedL.has(l.id)) {
        matches.push({ statementIds: [s.id], ledgerIds: [l.id], status: 'ACCEPTED', rule: 'REFERENCE', confidence: 100 });
        usedS.add(s.id);
        usedL.add(l.id);
        break;
      }
    }
  }
  const key = (e) => `${e.currency}|${e.amount}|${e.date}`;
  const sBy = new Map();
  const lBy = new Map();
  for (const s of input.statement) if (!usedS.has(s.id)) sBy.set(key(s), [...(sBy.get(key(s)) ?? []), s]);
  for (const l of input.ledger) if (!usedL.has(l.id)) lBy.set(key(l), [...(lBy.get(key(l)) ?? []), l]);
  for (const [k, ss] of sBy) {
    const ls = lBy.get(k);
    if (ss.length === 1 && ls && ls.length === 1) matches.push({ statementIds: [ss[0].id], ledgerIds: [ls[0].id], status: 'ACCEPTED', rule: 'AMOUNT_DATE', confidence: 100 });
  }
  return { matches, discrepancies: [] };
}

// ---------------------------------------------------------------------------------------------
// Scoring

const pairKey = (s, l) => `${s}\u0000${l}`;

function indexTruth(scenario) {
  const truth = scenario.truth;
  const truePairs = new Map(); // key -> group
  const groupOf = new Map(); // entry id -> group
  const ambiguousOf = new Map(); // entry id (line or candidate) -> ambiguous group
  for (const group of truth.groups) {
    for (const s of group.statementIds) for (const l of group.ledgerIds) truePairs.set(pairKey(s, l), group);
    for (const id of [...group.statementIds, ...group.ledgerIds]) groupOf.set(id, group);
    if (group.ambiguous) for (const id of [...group.statementIds, ...(group.candidateLedgerIds ?? group.ledgerIds), ...(group.candidateStatementIds ?? [])]) ambiguousOf.set(id, group);
  }
  const classOf = new Map(); // statement id -> the original of its class of repeats
  const copies = new Map(); // original -> number of repeats
  for (const { statementId, duplicateOf } of truth.duplicates) {
    classOf.set(statementId, duplicateOf);
    classOf.set(duplicateOf, duplicateOf);
    copies.set(duplicateOf, (copies.get(duplicateOf) ?? 0) + 1);
  }
  const noCounterpart = new Set([...truth.unmatchedStatementIds, ...truth.unmatchedLedgerIds]);
  const duplicateIds = new Set(truth.duplicates.map((d) => d.statementId));
  return { truePairs, groupOf, ambiguousOf, classOf, copies, noCounterpart, duplicateIds, statusExpected: new Set(truth.statusMismatchLedgerIds) };
}

/** The statement ids of a match with repeats mapped to their class's original (once per match). */
function canonicalStatementIds(ids, classOf) {
  const used = new Set();
  return ids.map((id) => {
    const original = classOf.get(id);
    if (original !== undefined && !used.has(original)) {
      used.add(original);
      return original;
    }
    used.add(id);
    return id;
  });
}

function ratio(a, b) {
  return b === 0 ? null : a / b;
}

/**
 * Scores one engine result against one scenario's truth. Returns counts, ratios and examples
 * of what went wrong (false pairs, missed groups, false auto-accepts, unflagged repeats...).
 */
function score(scenario, index, result, maxExamples) {
  const { truePairs, ambiguousOf, classOf, copies, statusExpected } = index;
  const c = { predicted: 0, correct: 0, correctStrict: 0, accepted: 0, acceptedCorrect: 0, suggested: 0, suggestedCorrect: 0 };
  const found = new Set();
  const foundStrict = new Set();
  const foundAccepted = new Set();
  const standIns = new Set(); // ambiguous groups already stood for
  const falsePairs = [];
  const falseAutoAccepts = [];
  const matchOf = new Map(); // entry id -> match
  const tieOutcome = { accepted: 0, suggested: 0, untouched: 0 };
  const tieTouched = new Map(); // ambiguous group -> 'ACCEPTED' | 'SUGGESTED'
  for (const match of result.matches) {
    if (!ACTIVE.has(match.status)) continue;
    const accepted = match.status === 'ACCEPTED';
    for (const id of [...match.statementIds, ...match.ledgerIds]) matchOf.set(id, match);
    const touched = new Set();
    for (const id of [...match.statementIds, ...match.ledgerIds]) {
      const group = ambiguousOf.get(id);
      if (group) touched.add(group);
    }
    for (const group of touched) {
      if (accepted || !tieTouched.has(group)) tieTouched.set(group, match.status);
    }
    if (accepted && touched.size > 0) falseAutoAccepts.push({ match, groups: [...touched] });
    const sIds = canonicalStatementIds(match.statementIds, classOf);
    for (let i = 0; i < sIds.length; i++) {
      for (const l of match.ledgerIds) {
        const s = sIds[i];
        const key = pairKey(s, l);
        c.predicted++;
        if (accepted) c.accepted++;
        else c.suggested++;
        let trueKey = null;
        let group = truePairs.get(key);
        if (group) {
          trueKey = key;
          foundStrict.add(key);
          c.correctStrict++;
        } else {
          const tie = ambiguousOf.get(s);
          if (tie && tie === ambiguousOf.get(l) && tie.statementIds.includes(s) && !tie.statementIds.includes(l) && !standIns.has(tie)) {
            group = tie;
            trueKey = pairKey(tie.statementIds[0], tie.ledgerIds[0]);
          }
        }
        if (group && group.ambiguous) standIns.add(group);
        if (trueKey !== null && !found.has(trueKey)) {
          found.add(trueKey);
          c.correct++;
          if (accepted && !group.ambiguous) {
            c.acceptedCorrect++;
            foundAccepted.add(trueKey);
          }
          if (!accepted) c.suggestedCorrect++;
        } else if (falsePairs.length < maxExamples) {
          falsePairs.push({ statementId: match.statementIds[i], ledgerId: l, match });
        }
      }
    }
  }
  for (const group of scenario.truth.groups) if (group.ambiguous) tieOutcome[tieTouched.has(group) ? tieTouched.get(group).toLowerCase() : 'untouched']++;

  // Missed groups: true pairs not found.
  const missed = [];
  let missedGroups = 0;
  for (const group of scenario.truth.groups) {
    let all = true;
    for (const s of group.statementIds) for (const l of group.ledgerIds) if (!found.has(pairKey(s, l))) all = false;
    if (!all) {
      missedGroups++;
      if (missed.length < maxExamples) missed.push(group);
    }
  }

  // Repeats flagged DUPLICATE_STATEMENT_ENTRY, and flags on lines that repeat nothing.
  const flaggedByClass = new Map();
  let falseDuplicateFlags = 0;
  const falseDuplicateExamples = [];
  const statusRaised = new Set();
  let falseStatusFlags = 0;
  const falseStatusExamples = [];
  for (const d of result.discrepancies) {
    if (d.type === 'DUPLICATE_STATEMENT_ENTRY') {
      let inClass = false;
      for (const id of d.statementIds) {
        const original = classOf.get(id);
        if (original === undefined) continue;
        inClass = true;
        const set = flaggedByClass.get(original) ?? new Set();
        set.add(id);
        flaggedByClass.set(original, set);
      }
      if (!inClass) {
        falseDuplicateFlags++;
        if (falseDuplicateExamples.length < maxExamples) falseDuplicateExamples.push(d);
      }
    } else if (d.type === 'STATUS_MISMATCH') {
      const hits = d.ledgerIds.filter((id) => statusExpected.has(id));
      for (const id of hits) statusRaised.add(id);
      if (hits.length === 0) {
        falseStatusFlags++;
        if (falseStatusExamples.length < maxExamples) falseStatusExamples.push(d);
      }
    }
  }
  let repeats = 0;
  let repeatsFlagged = 0;
  const unflagged = [];
  for (const [original, count] of copies) {
    repeats += count;
    const flagged = Math.min(count, flaggedByClass.get(original)?.size ?? 0);
    repeatsFlagged += flagged;
    if (flagged < count && unflagged.length < maxExamples) unflagged.push(original);
  }
  const statusMissing = [...statusExpected].filter((id) => !statusRaised.has(id));

  const truePairCount = truePairs.size;
  return {
    counts: { ...c, truePairs: truePairCount, found: found.size, foundStrict: foundStrict.size, foundAccepted: foundAccepted.size, missedGroups, ambiguousGroups: scenario.truth.ambiguousGroupIds.length },
    precision: ratio(c.correct, c.predicted),
    recall: ratio(found.size, truePairCount),
    precisionStrict: ratio(c.correctStrict, c.predicted),
    recallStrict: ratio(foundStrict.size, truePairCount),
    acceptedPrecision: ratio(c.acceptedCorrect, c.accepted),
    autoRate: ratio(foundAccepted.size, truePairCount),
    falseAutoAccepts: falseAutoAccepts.length,
    ties: tieOutcome,
    duplicates: { expected: repeats, flagged: repeatsFlagged, falseFlags: falseDuplicateFlags },
    status: { expected: statusExpected.size, raised: statusRaised.size, falseFlags: falseStatusFlags },
    examples: { falsePairs, missed, falseAutoAccepts: falseAutoAccepts.slice(0, maxExamples), unflagged, statusMissing: statusMissing.slice(0, maxExamples), falseDuplicateExamples, falseStatusExamples, matchOf },
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

const pct = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(2)}`);
const mark = (ok) => (ok === null ? ' ' : ok ? '✓' : '✗');

function stat(values) {
  const present = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  return present.length === 0 ? null : summarize(present);
}

function spread(s, format = pct) {
  if (s === null) return '—';
  if (s.min === s.max) return format(s.median);
  return `${format(s.median)} [${format(s.min)}-${format(s.max)}]`;
}

function describeEntry(scenario, id) {
  const e = scenario.statement.find((x) => x.id === id) ?? scenario.ledger.find((x) => x.id === id);
  if (!e) return id;
  const refs = e.references.length ? ` refs=${JSON.stringify(e.references)}` : '';
  const ext = 'kind' in e ? ` ext=${e.externalId}` : '';
  const extra = [e.status && `status=${e.status}`, e.releaseType && `type=${e.releaseType}`, e.description && `"${e.description}"`].filter(Boolean).join(' ');
  return `${id.split(':')[1]} ${e.amount} ${e.date}${ext}${refs} ${extra}`.trim();
}

function describeMatch(m) {
  return `${m.rule} ${m.status} conf ${m.confidence} [${m.statementIds.map((id) => id.split(':')[1]).join(',')}] ↔ [${m.ledgerIds.map((id) => id.split(':')[1]).join(',')}]`;
}

function fateOf(scenario, index, evaluation, id) {
  const m = evaluation.examples.matchOf.get(id);
  if (m) return `in ${describeMatch(m)}`;
  if (index.duplicateIds.has(id)) return 'a repeat';
  return 'unmatched';
}

function truthOf(scenario, index, id) {
  const group = index.groupOf.get(id);
  if (group) return `${group.label} ${group.rule} [${group.statementIds.map((x) => x.split(':')[1]).join(',')}] ↔ [${group.ledgerIds.map((x) => x.split(':')[1]).join(',')}]${group.ambiguous ? ' (ambiguous)' : ''}`;
  if (index.duplicateIds.has(id)) return 'a repeat of another line';
  if (index.noCounterpart.has(id)) return 'no counterpart';
  return '?';
}

function printExamples(scenario, index, evaluation, seed, error) {
  if (error) {
    console.log(`\n${scenario.name} (seed ${seed}): the engine threw (${error}); nothing was proposed, so every group counts as missed.`);
    return true;
  }
  const ex = evaluation.examples;
  const lines = [];
  for (const { statementId, ledgerId, match } of ex.falsePairs) {
    lines.push(`  false pair: ${describeMatch(match)}`);
    lines.push(`    ${describeEntry(scenario, statementId)}   truth: ${truthOf(scenario, index, statementId)}`);
    lines.push(`    ${describeEntry(scenario, ledgerId)}   truth: ${truthOf(scenario, index, ledgerId)}`);
  }
  for (const group of ex.missed) {
    lines.push(`  missed ${group.label} (${group.rule}${group.ambiguous ? ', ambiguous' : ''}):`);
    for (const id of [...group.statementIds, ...group.ledgerIds, ...(group.candidateLedgerIds ?? []).filter((x) => !group.ledgerIds.includes(x))]) {
      lines.push(`    ${describeEntry(scenario, id)}   → ${fateOf(scenario, index, evaluation, id)}`);
    }
  }
  for (const { match, groups } of ex.falseAutoAccepts) {
    lines.push(`  auto-accepted a tie: ${describeMatch(match)}; candidates ${groups.map((g) => g.candidateLedgerIds.map((x) => describeEntry(scenario, x)).join(' | ')).join('; ')}`);
  }
  for (const original of ex.unflagged) lines.push(`  repeat not flagged: ${describeEntry(scenario, original)}   → ${fateOf(scenario, index, evaluation, original)}`);
  for (const d of ex.falseDuplicateExamples) lines.push(`  DUPLICATE_STATEMENT_ENTRY on a line that repeats nothing: ${d.statementIds.map((id) => describeEntry(scenario, id)).join(' | ')} (${d.detail})`);
  for (const id of ex.statusMissing) lines.push(`  no STATUS_MISMATCH for cancelled-but-paid ${describeEntry(scenario, id)}   → ${fateOf(scenario, index, evaluation, id)}`);
  for (const d of ex.falseStatusExamples) lines.push(`  STATUS_MISMATCH without a cancelled-but-paid order: ${d.detail}`);
  if (lines.length === 0) return false;
  console.log(`\n${scenario.name} (seed ${seed}): ${evaluation.counts.predicted - evaluation.counts.correct} false pairs, ${evaluation.counts.missedGroups} groups missed`);
  for (const line of lines) console.log(line);
  return true;
}

// ---------------------------------------------------------------------------------------------

function main() {
  const options = parseOptions(process.argv.slice(2));
  const engine = loadEngine(options.source, options.engine);
  const seeds = Array.from({ length: options.runs }, (_, i) => options.seed + i);
  console.log(`matching quality: engine ${engine.origin} (${engine.fingerprint}${engine.commit ? `, HEAD ${engine.commit}` : ''}), generator v${GENERATOR_VERSION}, size ${options.size}, seeds ${seeds.join(', ')}`);

  const perScenario = new Map(options.scenarios.map((name) => [name, []]));
  const overallRuns = [];
  const exampleRuns = [];
  const engineErrors = [];
  for (const seed of seeds) {
    const totals = { predicted: 0, correct: 0, correctStrict: 0, truePairs: 0, found: 0, foundStrict: 0, accepted: 0, acceptedCorrect: 0, foundAccepted: 0, falseAutoAccepts: 0, ambiguousGroups: 0, dupExpected: 0, dupFlagged: 0, dupFalse: 0, statusExpected: 0, statusRaised: 0, statusFalse: 0, floorPredicted: 0, floorCorrect: 0, floorFound: 0, ms: 0 };
    for (const name of options.scenarios) {
      const scenario = generateScenario(name, { seed, size: options.size });
      const index = indexTruth(scenario);
      const input = toMatchingInput(scenario, engine.defaults);
      const started = performance.now();
      let result;
      let error = null;
      try {
        result = engine.matchEntries(input);
      } catch (thrown) {
        // A crash is a result too: nothing proposed, everything missed. Reported below.
        error = thrown instanceof Error ? `${thrown.name}: ${thrown.message} (${(thrown.stack ?? '').split('\n')[1]?.trim() ?? ''})` : String(thrown);
        result = { matches: [], discrepancies: [], stats: {} };
      }
      const ms = performance.now() - started;
      const evaluation = score(scenario, index, result, options.examples);
      const floor = score(scenario, index, naiveMatch(toMatchingInput(scenario, engine.defaults)), 0);
      const row = { seed, ms, evaluation, floor, error, budgetExhausted: Boolean(result.stats?.aggregateBudgetExhausted), entries: `${scenario.statement.length}/${scenario.ledger.length}` };
      if (error) engineErrors.push({ scenario: name, seed, error });
      perScenario.get(name).push(row);
      if (seed === seeds[0]) exampleRuns.push([scenario, index, evaluation, error]);
      const k = evaluation.counts;
      totals.predicted += k.predicted;
      totals.correct += k.correct;
      totals.correctStrict += k.correctStrict;
      totals.truePairs += k.truePairs;
      totals.found += k.found;
      totals.foundStrict += k.foundStrict;
      totals.accepted += k.accepted;
      totals.acceptedCorrect += k.acceptedCorrect;
      totals.foundAccepted += k.foundAccepted;
      totals.falseAutoAccepts += evaluation.falseAutoAccepts;
      totals.ambiguousGroups += k.ambiguousGroups;
      totals.dupExpected += evaluation.duplicates.expected;
      totals.dupFlagged += evaluation.duplicates.flagged;
      totals.dupFalse += evaluation.duplicates.falseFlags;
      totals.statusExpected += evaluation.status.expected;
      totals.statusRaised += evaluation.status.raised;
      totals.statusFalse += evaluation.status.falseFlags;
      totals.floorPredicted += floor.counts.predicted;
      totals.floorCorrect += floor.counts.correct;
      totals.floorFound += floor.counts.found;
      totals.ms += ms;
    }
    overallRuns.push({
      seed,
      precision: ratio(totals.correct, totals.predicted),
      recall: ratio(totals.found, totals.truePairs),
      precisionStrict: ratio(totals.correctStrict, totals.predicted),
      recallStrict: ratio(totals.foundStrict, totals.truePairs),
      acceptedPrecision: ratio(totals.acceptedCorrect, totals.accepted),
      autoRate: ratio(totals.foundAccepted, totals.truePairs),
      falseAutoAccepts: totals.falseAutoAccepts,
      duplicatesFlagged: ratio(totals.dupFlagged, totals.dupExpected),
      falseDuplicateFlags: totals.dupFalse,
      statusRaised: ratio(totals.statusRaised, totals.statusExpected),
      falseStatusFlags: totals.statusFalse,
      floorPrecision: ratio(totals.floorCorrect, totals.floorPredicted),
      floorRecall: ratio(totals.floorFound, totals.truePairs),
      ms: totals.ms,
      totals,
    });
  }

  // Per scenario: median [min-max] over the runs.
  const scenarioSummaries = {};
  const rows = [['scenario', 'S/L', 'pairs', 'precision %', '', 'recall %', '', 'P(acc) %', 'auto %', 'tie acc.', '', 'dup', 'status', 'floor P/R %', 'ms']];
  for (const [name, runs] of perScenario) {
    const s = {
      precision: stat(runs.map((r) => r.evaluation.precision)),
      recall: stat(runs.map((r) => r.evaluation.recall)),
      precisionStrict: stat(runs.map((r) => r.evaluation.precisionStrict)),
      recallStrict: stat(runs.map((r) => r.evaluation.recallStrict)),
      acceptedPrecision: stat(runs.map((r) => r.evaluation.acceptedPrecision)),
      autoRate: stat(runs.map((r) => r.evaluation.autoRate)),
      falseAutoAccepts: stat(runs.map((r) => r.evaluation.falseAutoAccepts)),
      ambiguousGroups: stat(runs.map((r) => r.evaluation.counts.ambiguousGroups)),
      duplicatesFlagged: stat(runs.map((r) => ratio(r.evaluation.duplicates.flagged, r.evaluation.duplicates.expected))),
      falseDuplicateFlags: stat(runs.map((r) => r.evaluation.duplicates.falseFlags)),
      statusRaised: stat(runs.map((r) => ratio(r.evaluation.status.raised, r.evaluation.status.expected))),
      falseStatusFlags: stat(runs.map((r) => r.evaluation.status.falseFlags)),
      floorPrecision: stat(runs.map((r) => r.floor.precision)),
      floorRecall: stat(runs.map((r) => r.floor.recall)),
      ms: stat(runs.map((r) => r.ms)),
      truePairs: stat(runs.map((r) => r.evaluation.counts.truePairs)),
      ties: runs.map((r) => r.evaluation.ties),
      budgetExhausted: runs.some((r) => r.budgetExhausted),
      counts: runs.map((r) => ({ seed: r.seed, ...r.evaluation.counts, duplicates: r.evaluation.duplicates, status: r.evaluation.status })),
    };
    scenarioSummaries[name] = s;
    const last = runs[runs.length - 1];
    const dup = runs.reduce((acc, r) => [acc[0] + r.evaluation.duplicates.flagged, acc[1] + r.evaluation.duplicates.expected, acc[2] + r.evaluation.duplicates.falseFlags], [0, 0, 0]);
    const status = runs.reduce((acc, r) => [acc[0] + r.evaluation.status.raised, acc[1] + r.evaluation.status.expected, acc[2] + r.evaluation.status.falseFlags], [0, 0, 0]);
    const ambiguous = s.ambiguousGroups && s.ambiguousGroups.max > 0;
    const failed = runs.filter((r) => r.error).length;
    rows.push([
      failed ? `${name} (${failed} CRASHED)` : name,
      last.entries,
      spread(s.truePairs, String),
      spread(s.precision),
      mark(s.precision ? s.precision.median >= TARGETS.precision : null),
      spread(s.recall),
      mark(s.recall ? s.recall.median >= TARGETS.recall : null),
      spread(s.acceptedPrecision),
      spread(s.autoRate),
      ambiguous ? spread(s.falseAutoAccepts, String) : '—',
      ambiguous ? mark(s.falseAutoAccepts.max <= TARGETS.falseAutoAccepts) : ' ',
      dup[1] > 0 || dup[2] > 0 ? `${dup[0]}/${dup[1]}${dup[2] ? ` +${dup[2]} false` : ''} ${mark(dup[0] === dup[1] && dup[2] === 0)}` : '—',
      status[1] > 0 || status[2] > 0 ? `${status[0]}/${status[1]}${status[2] ? ` +${status[2]} false` : ''} ${mark(status[0] === status[1] && status[2] === 0)}` : '—',
      `${pct(s.floorPrecision?.median)}/${pct(s.floorRecall?.median)}`,
      spread(s.ms, (v) => v.toFixed(0)),
    ]);
  }
  console.log(`\nPer scenario (median [min-max] over ${seeds.length} run${seeds.length > 1 ? 's' : ''}; ✓/✗ = median against the target; dup/status summed over the runs):\n`);
  table(rows);

  const overall = {};
  for (const key of ['precision', 'recall', 'precisionStrict', 'recallStrict', 'acceptedPrecision', 'autoRate', 'falseAutoAccepts', 'duplicatesFlagged', 'falseDuplicateFlags', 'statusRaised', 'falseStatusFlags', 'floorPrecision', 'floorRecall', 'ms']) {
    overall[key] = stat(overallRuns.map((r) => r[key]));
  }
  const checks = [
    ['precision (all proposed pairs)', overall.precision, `≥ ${TARGETS.precision * 100} %`, overall.precision && overall.precision.median >= TARGETS.precision, pct],
    ['recall (true pairs found)', overall.recall, `≥ ${TARGETS.recall * 100} %`, overall.recall && overall.recall.median >= TARGETS.recall, pct],
    ['false auto-accepts on ambiguous ties', overall.falseAutoAccepts, '0', overall.falseAutoAccepts && overall.falseAutoAccepts.max <= TARGETS.falseAutoAccepts, String],
    ['precision of ACCEPTED pairs', overall.acceptedPrecision, `≥ ${TARGETS.precision * 100} % (same bar)`, overall.acceptedPrecision && overall.acceptedPrecision.median >= TARGETS.precision, pct],
    ['repeats flagged DUPLICATE_STATEMENT_ENTRY', overall.duplicatesFlagged, 'all', overall.duplicatesFlagged ? overall.duplicatesFlagged.min === 1 : null, pct],
    ['false DUPLICATE_STATEMENT_ENTRY flags', overall.falseDuplicateFlags, '0', overall.falseDuplicateFlags ? overall.falseDuplicateFlags.max === 0 : null, String],
    ['cancelled-but-paid with STATUS_MISMATCH', overall.statusRaised, 'all', overall.statusRaised ? overall.statusRaised.min === 1 : null, pct],
    ['STATUS_MISMATCH without cause', overall.falseStatusFlags, '0', overall.falseStatusFlags ? overall.falseStatusFlags.max === 0 : null, String],
    ['strict precision (no tie stand-ins)', overall.precisionStrict, 'info', null, pct],
    ['strict recall (no tie stand-ins)', overall.recallStrict, 'info', null, pct],
    ['auto rate (true pairs ACCEPTED)', overall.autoRate, 'info', null, pct],
    ['floor precision / recall (naive matcher)', null, `${pct(overall.floorPrecision?.median)} / ${pct(overall.floorRecall?.median)}`, null, pct],
    ['engine time, all scenarios (ms)', overall.ms, 'info', null, (v) => v.toFixed(0)],
  ];
  console.log(`\nOverall (pairs summed over the scenarios, then median [min-max] over the runs):\n`);
  table([['measure', 'value', 'target', ''], ...checks.map(([label, s, target, ok, format]) => [label, s === null ? '' : spread(s, format), target, mark(ok === undefined ? null : ok)])]);

  const missedTargets = checks.filter(([, , , ok]) => ok === false).map(([label]) => label);
  const scenarioMisses = [];
  for (const [name, s] of Object.entries(scenarioSummaries)) {
    if (s.precision && s.precision.median < TARGETS.precision) scenarioMisses.push(`${name}: precision ${pct(s.precision.median)} %`);
    if (s.recall && s.recall.median < TARGETS.recall) scenarioMisses.push(`${name}: recall ${pct(s.recall.median)} %`);
    if (s.falseAutoAccepts && s.falseAutoAccepts.max > 0) scenarioMisses.push(`${name}: ${s.falseAutoAccepts.max} false auto-accepts on ties (worst run)`);
    if (s.budgetExhausted) scenarioMisses.push(`${name}: aggregate search budget exhausted`);
  }
  if (engineErrors.length) {
    console.log(`\nENGINE ERRORS (the run threw; scored as nothing proposed):`);
    for (const e of engineErrors) console.log(`  ${e.scenario}, seed ${e.seed}: ${e.error}`);
    missedTargets.push(`engine threw in ${engineErrors.length} scenario run(s)`);
  }
  console.log(missedTargets.length === 0 ? '\nAll overall targets met.' : `\nTARGETS MISSED: ${missedTargets.join('; ')}`);
  if (scenarioMisses.length) console.log(`Scenarios below a target: ${scenarioMisses.join('; ')}`);

  if (options.examples > 0) {
    console.log(`\nWhat went wrong (first run, up to ${options.examples} examples of each kind; ids without the scenario prefix; amounts in centavos):`);
    let any = false;
    for (const [scenario, index, evaluation, error] of exampleRuns) any = printExamples(scenario, index, evaluation, seeds[0], error) || any;
    if (!any) console.log('  nothing: no false pair, no missed group, no false auto-accept, every repeat and cancelled-but-paid order flagged.');
  }

  const strip = (s) => {
    const out = {};
    for (const [key, value] of Object.entries(s)) if (key !== 'counts' && key !== 'ties') out[key] = value;
    out.ties = s.ties;
    out.runs = s.counts;
    return out;
  };
  record('quality', {
    options: { seed: options.seed, runs: options.runs, size: options.size, scenarios: options.scenarios },
    seeds,
    engine: { origin: engine.origin, fingerprint: engine.fingerprint, commit: engine.commit },
    generatorVersion: GENERATOR_VERSION,
    targets: TARGETS,
    overall,
    targetsMissed: missedTargets,
    engineErrors,
    scenarioMisses,
    scenarios: Object.fromEntries(Object.entries(scenarioSummaries).map(([name, s]) => [name, strip(s)])),
  });
  console.log('\nappended to tools/bench/results/quality.jsonl');
}

export { indexTruth, naiveMatch, score };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(1);
  }
}
