import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyMultipartBaseOptions, MultipartFile } from '@fastify/multipart';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@concilia/domain';
import { Settings } from '@concilia/config';

/** An upload written to a private temporary file while its hash, size and first bytes were taken. */
export interface SpooledUpload {
  path: string;
  sha256: string;
  size: number;
  /** The client's file name without any directory part, or null. Never used as a path. */
  fileName: string | null;
  /** The first bytes, for format detection. */
  head: Buffer;
  /** Whether the whole file is valid UTF-8 (MT940 files from German banks often are ISO-8859-1). */
  utf8: boolean;
  /** Whether a NUL byte occurs anywhere: no text statement holds one (binary data, UTF-16). */
  hasNul: boolean;
  /** The other form fields (`format`, `profileId`). */
  fields: Record<string, string>;
}

/** Route config of upload routes: only they accept multipart bodies (see app.factory). */
export const UPLOAD_ROUTE = { upload: true } as const;

const HEAD_BYTES = 4096;
/** Room for the form's boundaries, part headers and small fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
const SPOOL_PREFIX = 'concilia-upload-';
const SPOOL_MAX_AGE_MS = 24 * 3600 * 1000;
const UPLOAD_FIELDS = new Set(['format', 'profileId']);
const uploads = new WeakMap<FastifyRequest, SpooledUpload>();

/**
 * Removes a request's spooled file, if any: after its handler (imports.controller) and, for
 * requests answered before it ran (an idempotent replay), when the response is done. Best
 * effort on purpose: a file that cannot be removed now is swept at the next start.
 */
export async function discardSpool(request: FastifyRequest): Promise<void> {
  const upload = uploads.get(request);
  if (!upload) return;
  uploads.delete(request);
  await rm(upload.path, { force: true }).catch(() => undefined);
}

/** Removes spool files older than a day: those of a process that was killed mid-import. */
export async function sweepSpoolDirectory(directory: string): Promise<number> {
  const cutoff = Date.now() - SPOOL_MAX_AGE_MS;
  let removed = 0;
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const path = join(directory, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < cutoff && (await rm(path, { force: true }).then(() => true, () => false))) removed += 1;
  }
  return removed;
}

/** The spooled upload of a route guarded by UploadSpoolGuard. */
export function spooledUpload(request: FastifyRequest): SpooledUpload {
  const upload = uploads.get(request);
  if (!upload) throw new Error('route is not guarded by UploadSpoolGuard');
  return upload;
}

/**
 * Reads a multipart upload (`file` plus small fields) to a temporary file. A guard on purpose:
 * it runs after authentication (nothing is written to disk for an unknown caller) and before
 * the idempotency interceptor, whose fingerprint then covers the file's sha256 through
 * `request.body`. The file is removed when the response is done, however the request ends.
 */
@Injectable()
export class UploadSpoolGuard implements CanActivate {
  constructor(@Inject(Settings) private readonly settings: Settings) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.isMultipart()) {
      throw new DomainError('unsupported_media_type', 'Upload the file as multipart/form-data with a part named "file".');
    }
    refuseDeclaredOversize(request, this.settings.API_IMPORT_MAX_BYTES);
    const path = join(spoolDirectory(this.settings), `${SPOOL_PREFIX}${randomUUID()}`);
    try {
      const upload = await this.spool(request, path);
      uploads.set(request, upload);
      // What the idempotency fingerprint sees: the file's identity, never its temporary path.
      request.body = { ...upload.fields, file: { sha256: upload.sha256, size: upload.size, fileName: upload.fileName } };
      return true;
    } catch (error) {
      await rm(path, { force: true });
      throw toUploadError(error, this.settings.API_IMPORT_MAX_BYTES);
    }
  }

  private async spool(request: FastifyRequest, path: string): Promise<SpooledUpload> {
    const fields: Record<string, string> = {};
    let stored: Omit<SpooledUpload, 'fields'> | null = null;
    const options: FastifyMultipartBaseOptions = {
      limits: { fileSize: this.settings.API_IMPORT_MAX_BYTES, files: 1, fields: UPLOAD_FIELDS.size, fieldSize: 256, parts: UPLOAD_FIELDS.size + 1 },
      throwFileSizeLimit: true,
    };
    const parts = request.parts(options);
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw DomainError.field('unknown_field', part.fieldname, 'the file must be sent in a part named "file"');
        stored = await writeSpool(part, path);
      } else {
        if (part.fieldname === 'file') throw DomainError.field('file_missing', 'file', 'send "file" as a file part (curl -F file=@statement.csv), not as a text field');
        if (!UPLOAD_FIELDS.has(part.fieldname)) throw DomainError.field('unknown_field', part.fieldname, 'is not a known field (format, profileId, file)');
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!stored) throw DomainError.field('file_missing', 'file', 'send the statement file in a multipart part named "file"');
    return { ...stored, fields };
  }
}

async function writeSpool(part: MultipartFile, path: string): Promise<Omit<SpooledUpload, 'fields'>> {
  const meter = new UploadMeter();
  await pipeline(part.file, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return { path, sha256: meter.hash.digest('hex'), size: meter.size, head: meter.head(), utf8: meter.finishUtf8(), hasNul: meter.hasNul, fileName: safeFileName(part.filename) };
}

/** Passes bytes through while hashing, counting and keeping the first few KB. */
class UploadMeter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  hasNul = false;
  private readonly headChunks: Buffer[] = [];
  private headSize = 0;
  private readonly utf8Decoder = new TextDecoder('utf-8', { fatal: true });
  private utf8 = true;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.headSize < HEAD_BYTES) {
      this.headChunks.push(chunk.subarray(0, HEAD_BYTES - this.headSize));
      this.headSize += Math.min(chunk.length, HEAD_BYTES - this.headSize);
    }
    if (this.utf8) this.utf8 = validUtf8(() => this.utf8Decoder.decode(chunk, { stream: true }));
    if (!this.hasNul) this.hasNul = chunk.includes(0);
    callback(null, chunk);
  }

  finishUtf8(): boolean {
    return this.utf8 && validUtf8(() => this.utf8Decoder.decode());
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}

function validUtf8(decode: () => string): boolean {
  try {
    decode();
    return true;
  } catch {
    return false; // the decoder is strict: an invalid sequence throws, and that is the answer
  }
}

/** The last path segment, without control characters, at most 255 characters; null when nothing is left. */
export function safeFileName(name: string | undefined): string | null {
  if (!name) return null;
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return base === '' || base === '.' || base === '..' ? null : base;
}

export function spoolDirectory(settings: Settings): string {
  return settings.API_IMPORT_SPOOL_DIR || tmpdir();
}

/** 413 before reading a byte when the client declares a body far over the cap. */
function refuseDeclaredOversize(request: FastifyRequest, maxBytes: number): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
    throw DomainError.field('file_too_large', 'file', `the upload is larger than ${maxBytes} bytes`);
  }
}

/** The multipart plugin's errors as the API's problems. */
function toUploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof DomainError) return error;
  switch ((error as { code?: unknown } | null)?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return DomainError.field('file_too_large', 'file', `the file is larger than ${maxBytes} bytes`);
    case 'FST_FILES_LIMIT':
      return DomainError.field('validation_failed', 'file', 'send exactly one file per upload');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new DomainError('validation_failed', 'Too many form fields: send file, and optionally format and profileId.');
    case 'FST_PROTO_VIOLATION':
      return new DomainError('unknown_field', 'Forbidden form field name.');
    case 'ENOSPC':
    case 'EDQUOT':
      return new DomainError('service_unavailable', 'No room to receive the file right now; retry shortly.');
    default:
      if (isMultipartError(error)) return new DomainError('validation_failed', 'The multipart body is malformed or was cut short.');
      return error;
  }
}

/** The plugin's other client errors (FST_* with a 4xx status) and busboy's parse errors. */
function isMultipartError(error: unknown): boolean {
  const { code, statusCode, message } = (error ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return true;
  return typeof message === 'string' && /multipart|boundary|Unexpected end of form|premature|Malformed part header/i.test(message);
}
