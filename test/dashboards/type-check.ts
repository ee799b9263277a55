/**
 * Type-checks dashboard JSON with the TypeScript compiler: each dashboard becomes a generated module
 * (in memory, never written) in which the whole dashboard, each panel, each target and each query
 * variable is an object literal followed by `satisfies` its type from dashboard-model.ts. Literals
 * keep their string values and get excess-property checks, so a wrong type, an unknown value of a
 * union or a misspelt field is a compiler error.
 */
import path from 'node:path';

import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = path.join(__dirname, 'dashboard-model');
const GENERATED = path.join(__dirname, '.generated');

interface DashboardLike {
  panels?: Array<{ type?: string; title?: string; targets?: Array<{ datasource?: { type?: string } }> }>;
  templating?: { list?: Array<{ name: string; type: string; datasource?: { type?: string } }> };
  annotations?: { list?: Array<{ name: string; datasource?: { type?: string }; target?: object }> };
}

/** One generated module; `where[i]` says what line i + 1 checks. */
export interface CheckModule {
  source: string;
  where: string[];
}

export function checkModule(json: object): CheckModule {
  const dashboard = json as DashboardLike;
  const lines = [`import type { DashboardJson, Panels, QueryVariables, Targets } from ${JSON.stringify(MODEL)};`];
  const where = ['import'];
  const add = (label: string, value: unknown, type: string) => {
    lines.push(`export const c${lines.length} = ${JSON.stringify(value)} satisfies ${type};`);
    where.push(label);
  };
  add('dashboard', dashboard, 'DashboardJson');
  (dashboard.panels ?? []).forEach((panel) => {
    const name = `panel "${panel.title}"`;
    add(name, panel, `Panels[${JSON.stringify(panel.type)}]`);
    (panel.targets ?? []).forEach((target, i) =>
      add(`${name} target ${i}`, target, `Targets[${JSON.stringify(target.datasource?.type)}]`)
    );
  });
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.target) {
      const target = { ...annotation.target, datasource: annotation.datasource };
      add(`annotation "${annotation.name}"`, target, `Targets[${JSON.stringify(annotation.datasource?.type)}]`);
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type === 'query') {
      add(`variable ${variable.name}`, variable, `QueryVariables[${JSON.stringify(variable.datasource?.type)}]`);
    }
  }
  return { source: lines.join('\n') + '\n', where };
}

export interface TypeError {
  /** What failed: the dashboard, a panel, a target or a variable. */
  where: string;
  message: string;
}

/** Compiles the modules together with the repository's tsconfig; the errors of each, by name. */
export function typeCheck(dashboards: Record<string, object>): Record<string, TypeError[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    }
  )!;
  const modules = new Map(
    Object.entries(dashboards).map(([name, d]) => [path.join(GENERATED, `${name}.ts`), { name, ...checkModule(d) }])
  );
  const options = { ...config.options, noEmit: true, incremental: false, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => modules.has(file) || fileExists(file);
  host.readFile = (file) => modules.get(file)?.source ?? readFile(file);
  host.getSourceFile = (file, language, ...rest) => {
    const generated = modules.get(file);
    return generated ? ts.createSourceFile(file, generated.source, language) : getSourceFile(file, language, ...rest);
  };
  const program = ts.createProgram([...modules.keys()], options, host);
  const errors: Record<string, TypeError[]> = Object.fromEntries([...modules.values()].map((m) => [m.name, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const generated = diagnostic.file && modules.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!generated) {
      throw new Error(`type errors outside the generated modules: ${diagnostic.file?.fileName}: ${message}`);
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors[generated.name].push({ where: generated.where[line], message });
  }
  return errors;
}
