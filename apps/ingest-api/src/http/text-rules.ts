import { Matches } from 'class-validator';

/** Text that Postgres can store and logs can print: no NUL characters. */
// eslint-disable-next-line no-control-regex
export const NO_NUL_CHARACTERS = /^[^\u0000]*$/;

export const NoNulCharacters = () => Matches(NO_NUL_CHARACTERS, { message: 'must not contain NUL characters' });
