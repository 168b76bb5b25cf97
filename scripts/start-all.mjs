#!/usr/bin/env node
// `npm start`: runs the three built apps in the foreground, one process each, their output
// prefixed by name. Ctrl-C (or SIGTERM) stops all three gracefully; if one dies, the others
// are stopped too and the exit code says so.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const APPS = ['ingest-api', 'matcher-worker', 'notifier-worker'];
const children = new Map();
let stopping = false;
let exitCode = 0;

for (const app of APPS) {
  const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  children.set(app, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${app}] ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      console.error(`[start] ${app} exited (${signal ?? code}); stopping the others`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(exitCode);
  });
}

function stopAll(signal) {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000).unref();
}

process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
