/** Injection tokens of the delivery path's network seams (tests replace them to stub DNS or watch connections). */
export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');
export const WEBHOOK_SOCKET_CONNECTOR = Symbol('WEBHOOK_SOCKET_CONNECTOR');
