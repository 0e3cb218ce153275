import { type CfnTemplate, TemplateResolver } from '../simulator/intrinsics.js';

/**
 * A StackSet's template as one stack instance sees it: the stack set's parameter values substituted into every
 * `Fn::Sub`, then the intrinsics resolved for the instance's account and Region. CloudFormation resolves a
 * template's parameters per stack; TemplateResolver knows no parameters, so they are put in first.
 */
export function instantiateTemplate(
  templateBody: string,
  parameters: Readonly<Record<string, string>>,
  where: { accountId: string; region: string; stackId?: string; stackName?: string },
): { template: CfnTemplate; resolver: TemplateResolver } {
  // Keyed by the template's text as a string the stack set holds (compared by reference first, not hashed: every
  // instance asks with the same one) and its parameters.
  const given = JSON.stringify(parameters);
  let substituted = last && last.body === templateBody && last.parameters === given ? last.template : undefined;
  if (!substituted) {
    const template = JSON.parse(templateBody) as CfnTemplate & { Parameters?: Record<string, { Default?: string }> };
    // A parameter the stack set gives no value for takes its Default; one without a Default must be given.
    const values: Record<string, string> = {};
    for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
      const value = parameters[name] ?? spec.Default;
      if (value === undefined) throw new Error(`the stack set gives no value for its template's parameter ${name}`);
      values[name] = value;
    }
    substituted = JSON.parse(
      JSON.stringify(template)
        .replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) => values[name] ?? whole)
        .replace(/\{"Ref":"([A-Za-z0-9]+)"\}/g, (whole, name: string) =>
          name in values ? JSON.stringify(values[name]) : whole,
        ),
    ) as CfnTemplate;
    // One stack set's template is the same for every instance (the resolver returns new values, never changes it).
    last = { body: templateBody, parameters: given, template: substituted };
  }
  return { template: substituted, resolver: new TemplateResolver([substituted], where) };
}

let last: { body: string; parameters: string; template: CfnTemplate } | undefined;
