// The part of dockerode's API Lifeboat uses, typed by hand: dockerode ships no types and
// @types/dockerode is not a dependency. Replace this file with @types/dockerode when it is.
declare module 'dockerode' {
  import type { Agent } from 'node:http';
  import type { Duplex, Readable, Writable } from 'node:stream';

  namespace Dockerode {
    interface DockerOptions {
      socketPath?: string;
      agent?: Agent;
      protocol?: 'http' | 'https' | 'ssh';
      host?: string;
      port?: number | string;
      timeout?: number;
    }
    type Filters = Record<string, string[]>;
    interface ContainerInfo {
      Id: string;
      Names: string[];
      Image: string;
      ImageID: string;
      State: string;
      Status: string;
      Labels: Record<string, string>;
    }
    interface ContainerInspectInfo {
      Id: string;
      Name: string;
      Image: string;
      State: { Status: string; Running: boolean; ExitCode: number };
      Config: {
        Image: string;
        Env: string[] | null;
        Cmd: string[] | null;
        Entrypoint: string[] | string | null;
        User: string;
        WorkingDir: string;
        Labels: Record<string, string> | null;
        ExposedPorts?: Record<string, object> | null;
      };
      HostConfig: {
        Binds?: string[] | null;
        PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
        CapAdd?: string[] | null;
        CapDrop?: string[] | null;
        RestartPolicy?: { Name: string; MaximumRetryCount?: number };
        Init?: boolean | null;
        NetworkMode?: string;
      };
      Mounts: Array<{
        Type: string;
        Name?: string;
        Source: string;
        Destination: string;
        RW: boolean;
      }>;
    }
    interface ExecCreateOptions {
      Cmd: string[];
      AttachStdin?: boolean;
      AttachStdout?: boolean;
      AttachStderr?: boolean;
      Tty?: boolean;
      Env?: string[];
      User?: string;
      WorkingDir?: string;
    }
    interface ExecInspectInfo {
      Running: boolean;
      ExitCode: number | null;
      Pid: number;
    }
    class Exec {
      id: string;
      start(options: { hijack?: boolean; stdin?: boolean; Detach?: boolean; Tty?: boolean }): Promise<Duplex>;
      inspect(): Promise<ExecInspectInfo>;
    }
    class Container {
      id: string;
      inspect(): Promise<ContainerInspectInfo>;
      start(): Promise<unknown>;
      stop(options?: { t?: number }): Promise<unknown>;
      kill(options?: { signal?: string }): Promise<unknown>;
      remove(options?: { force?: boolean; v?: boolean }): Promise<unknown>;
      wait(): Promise<{ StatusCode: number }>;
      exec(options: ExecCreateOptions): Promise<Exec>;
      getArchive(options: { path: string }): Promise<Readable>;
      putArchive(file: Readable | Buffer | string, options: { path: string; noOverwriteDirNonDir?: string }): Promise<unknown>;
    }
    class Image {
      inspect(): Promise<{ Id: string; RepoTags: string[] | null }>;
      remove(options?: { force?: boolean }): Promise<unknown>;
    }
    class Volume {
      name: string;
      inspect(): Promise<{ Name: string; Mountpoint: string; Labels: Record<string, string> | null }>;
      remove(options?: { force?: boolean }): Promise<unknown>;
    }
    interface Modem {
      demuxStream(stream: Readable, stdout: Writable, stderr: Writable): void;
      followProgress(stream: Readable, onFinished: (err: Error | null, output: unknown[]) => void): void;
    }
  }

  class Dockerode {
    constructor(options?: Dockerode.DockerOptions);
    modem: Dockerode.Modem;
    ping(): Promise<Buffer | string>;
    version(): Promise<{ Version: string; ApiVersion: string }>;
    listContainers(options?: { all?: boolean; filters?: Dockerode.Filters | string }): Promise<Dockerode.ContainerInfo[]>;
    getContainer(id: string): Dockerode.Container;
    createContainer(options: Record<string, unknown>): Promise<Dockerode.Container>;
    listImages(options?: { filters?: Dockerode.Filters | string }): Promise<Array<{ Id: string; RepoTags: string[] | null }>>;
    getImage(name: string): Dockerode.Image;
    importImage(file: Readable | string, options?: Record<string, unknown>): Promise<Readable>;
    listVolumes(options?: { filters?: Dockerode.Filters | string }): Promise<{ Volumes: Array<{ Name: string; Labels: Record<string, string> | null }> | null }>;
    createVolume(options: { Name?: string; Labels?: Record<string, string> }): Promise<Dockerode.Volume>;
    getVolume(name: string): Dockerode.Volume;
  }

  export = Dockerode;
}
