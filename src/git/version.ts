
export interface GitVersion {
  installed: boolean;
  raw: string;
}

export async function gitVersion(): Promise<GitVersion> {
  try {
    const { simpleGit } = await import('simple-git');
    const v = await simpleGit().version();
    return { installed: v.installed, raw: `${v.major}.${v.minor}.${v.patch}` };
  } catch {
    return { installed: false, raw: '' };
  }
}
