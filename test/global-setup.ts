// Placeholder until the real-services setup lands: nothing to start yet.
export default async function setup(): Promise<void> {}
