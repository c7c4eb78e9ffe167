/**
 * Ajv validators compiled from the component schemas of schemas.ts. No type coercion (a JSON body is taken as
 * sent), all errors collected so one answer can name every wrong field.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { COMPONENT_SCHEMAS, type SchemaName } from './schemas';

const DOCUMENT_ID = 'urn:ecr-connector:local-api';

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });
  // The schemas live under components/schemas, as in the served OpenAPI document, so their $refs resolve the same way.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: COMPONENT_SCHEMAS } });
  return ajv;
}

const ajv = createAjv();

export function validatorFor(name: SchemaName): ValidateFunction {
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}

export type { ErrorObject };
