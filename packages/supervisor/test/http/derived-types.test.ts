/**
 * The TypeScript types of the local API are derived from its JSON Schemas (issue 11 item 6): compiles
 * fixtures/derived-types.ts with the project's compiler options and expects no diagnostic. The fixture holds
 * values the schemas accept and, under @ts-expect-error, values they refuse (a status outside the contract, a
 * decimal amount: money rule 4), so a derived type that went loose (`any`) fails here too.
 */
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../../../..');

function diagnosticsOf(file: string): string[] {
  const configPath = path.join(root, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const program = ts.createProgram([file], { ...options, composite: false, declaration: false, noEmit: true, types: ['node'] });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, ' ');
  });
}

test('money rule 4: the derived types accept what the schemas accept and refuse what they refuse', () => {
  expect(diagnosticsOf(path.join(__dirname, 'fixtures/derived-types.ts'))).toEqual([]);
}, 60_000);
