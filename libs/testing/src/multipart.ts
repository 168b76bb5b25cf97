import { randomBytes } from 'node:crypto';

/** One file part and optional text fields, encoded as multipart/form-data (what curl -F sends). */
export interface UploadForm {
  file?: { content: Buffer | string; fileName?: string; contentType?: string; field?: string };
  fields?: Record<string, string>;
}

export function multipartBody(form: UploadForm): { payload: Buffer; contentType: string } {
  const boundary = `----concilia-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(form.fields ?? {})) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (form.file) {
    const { content, fileName = 'statement.txt', contentType = 'application/octet-stream', field = 'file' } = form.file;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`));
    chunks.push(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
