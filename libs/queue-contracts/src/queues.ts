/** Queue names: kebab-case, never renamed once shipped. */
export const QUEUES = {
  matching: 'matching',
  webhookDispatch: 'webhook-dispatch',
  webhookDelivery: 'webhook-delivery',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names per queue. A breaking payload change gets a new name while both are drained. */
export const JOB_NAMES = {
  matchReconciliation: 'match-reconciliation',
  dispatchEvent: 'dispatch-event',
  deliverWebhook: 'deliver-webhook',
} as const;

export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];
