import { SetMetadata } from '@nestjs/common';

/** Metadata key the API's auth guard reads; shared so library controllers can declare themselves public. */
export const ACCESS_METADATA = 'concilia:access';

/** Open to anyone: health, metrics, docs. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' });
