/** A command's name, with the announced event for an SNS Publish (how the retry tests list the calls they count). */
export function described(command: { constructor: { name: string }; input: unknown }): string {
  const event = (command.input as { MessageAttributes?: { event?: { StringValue?: string } } }).MessageAttributes?.event
    ?.StringValue;
  return event ? `${command.constructor.name} ${event}` : command.constructor.name;
}
