import type { ReleaseType } from '@concilia/domain';

export function presentReleaseType(type: ReleaseType) {
  return { code: type.code, name: type.name, category: type.category, builtIn: type.builtIn, aliases: [...(type.aliases ?? [])] };
}
