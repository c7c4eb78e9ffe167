/** The golden vectors of /work/shared/reference/vectors, copied beside the tests so the repository stands alone. */
import v2 from '../vectors/concert-v2.json';
import v3 from '../vectors/concert-v3.json';

export const v2Requests = v2.v2_requests;
export const v2Answers = v2.v2_answers;
export const v3Exchanges = v3.v3_exchanges;

export const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
export const hex = (text: string): Buffer => Buffer.from(text, 'hex');
