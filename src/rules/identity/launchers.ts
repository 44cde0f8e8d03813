// ML launchers in the start command (torchrun, python -m torch.distributed.run, accelerate
// launch, deepspeed): the script each of them hands to its worker pythons, found by skipping the
// launcher's own options as its argparse parser reads them.

/** The launchers followed, each with the pip package that puts it on PATH. */
export type LauncherTool = 'torchrun' | 'torch.distributed.run' | 'torch.distributed.launch' | 'accelerate launch' | 'deepspeed';

export interface LauncherCall {
  tool: LauncherTool;
  /** The pip package that provides it (torchrun and the torch modules: torch). */
  pkg: 'torch' | 'accelerate' | 'deepspeed';
  /** The training script operand, when it names a file the workers run with python. */
  script?: string;
  /** `-m`/`--module`: the operand is a module, no file to open. */
  module?: boolean;
  /** `--no-python`: the operand is executed, not read by python (not followed). */
  noPython?: boolean;
}

interface Parser {
  /** Options that take one value. */
  valued: readonly string[];
  /** Options that take none (store_true and the like). */
  flags: readonly string[];
  /** argparse's allow_abbrev: a unique prefix of a long option stands for it. */
  abbrev: boolean;
  /** accelerate's CustomArgumentParser reads `--num-processes` as `--num_processes`. */
  hyphens: boolean;
}

/**
 * torch/distributed/run.py get_args_parser() (torch 2.x; each option also in its underscore
 * spelling): -m/--module, --no-python and --run-path take no value.
 */
const TORCHRUN: Parser = {
  valued: [
    '--nnodes', '--nproc-per-node', '--nproc_per_node', '--rdzv-backend', '--rdzv_backend', '--rdzv-endpoint', '--rdzv_endpoint',
    '--rdzv-id', '--rdzv_id', '--rdzv-conf', '--rdzv_conf', '--max-restarts', '--max_restarts', '--monitor-interval',
    '--monitor_interval', '--start-method', '--start_method', '--event-log-handler', '--event_log_handler', '--role',
    '--log-dir', '--log_dir', '-r', '--redirects', '-t', '--tee', '--local-ranks-filter', '--local_ranks_filter',
    '--node-rank', '--node_rank', '--master-addr', '--master_addr', '--master-port', '--master_port', '--local-addr',
    '--local_addr', '--logs-specs', '--logs_specs', '--numa-binding', '--numa_binding', '--signals-to-handle',
    '--signals_to_handle',
  ],
  flags: ['-h', '--help', '--standalone', '-m', '--module', '--no-python', '--no_python', '--run-path', '--run_path', '--use-env', '--use_env'],
  abbrev: true,
  hyphens: false,
};

/**
 * accelerate/commands/launch.py launch_command_parser(): allow_abbrev=False, hyphens read as
 * underscores; the store_true options are listed, every other option it defines takes a value.
 */
const ACCELERATE: Parser = {
  valued: [
    '--config_file', '--mixed_precision', '--num_processes', '--num_machines', '--num_cpu_threads_per_process',
    '--dynamo_backend', '--dynamo_mode', '--gpu_ids', '--machine_rank', '--main_process_ip', '--main_process_port',
    '-t', '--tee', '--log_dir', '--role', '--rdzv_backend', '--rdzv_conf', '--max_restarts', '--monitor_interval',
    '--vm', '--env', '--main_training_function', '--deepspeed_config_file', '--zero_stage', '--offload_optimizer_device',
    '--offload_param_device', '--offload_optimizer_nvme_path', '--offload_param_nvme_path', '--gradient_accumulation_steps',
    '--gradient_clipping', '--zero3_init_flag', '--zero3_save_16bit_model', '--deepspeed_hostfile',
    '--deepspeed_exclusion_filter', '--deepspeed_inclusion_filter', '--deepspeed_multinode_launcher',
    '--deepspeed_moe_layer_cls_names', '--fsdp_offload_params', '--fsdp_min_num_params', '--fsdp_sharding_strategy',
    '--fsdp_auto_wrap_policy', '--fsdp_transformer_layer_cls_to_wrap', '--fsdp_backward_prefetch_policy',
    '--fsdp_backward_prefetch', '--fsdp_state_dict_type', '--fsdp_forward_prefetch', '--fsdp_use_orig_params',
    '--fsdp_cpu_ram_efficient_loading', '--fsdp_sync_module_states', '--fsdp_activation_checkpointing',
    '--megatron_lm_tp_degree', '--megatron_lm_pp_degree', '--megatron_lm_num_micro_batches',
    '--megatron_lm_sequence_parallelism', '--megatron_lm_recompute_activations', '--megatron_lm_use_distributed_optimizer',
    '--megatron_lm_gradient_clipping', '--fp8_backend', '--fp8_margin', '--fp8_interval', '--fp8_format',
    '--fp8_amax_history_len', '--fp8_amax_compute_algo', '--fp8_override_linear_precision', '--fp8_opt_level',
    '--aws_access_key_id', '--aws_secret_access_key', '--mpirun_hostfile', '--mpirun_ccl',
  ],
  flags: [
    '-h', '--help', '--quiet', '-q', '--cpu', '--multi_gpu', '--tpu', '--ipex', '--enable_cpu_affinity',
    '--dynamo_use_fullgraph', '--dynamo_use_dynamic', '--use_deepspeed', '--use_fsdp', '--use_megatron_lm', '--use_xpu',
    '--same_network', '-m', '--module', '--no_python', '--tpu_cluster', '--no_tpu_cluster', '--tpu_use_sudo',
    '--downcast_bf16', '--fp8_use_autocast_during_eval', '--debug',
  ],
  abbrev: false,
  hyphens: true,
};

/** deepspeed/launcher/runner.py parse_args(): argparse's defaults (abbreviations allowed). */
const DEEPSPEED: Parser = {
  valued: [
    '-H', '--hostfile', '-i', '--include', '-e', '--exclude', '--num_nodes', '--min_elastic_nodes', '--max_elastic_nodes',
    '--num_gpus', '--num_accelerators', '--master_port', '--master_addr', '--launcher', '--launcher_args',
    '--enable_each_rank_log', '--autotuning', '--bind_core_list', '--ssh_port', '--venv_script', '--comment',
  ],
  flags: [
    '-h', '--help', '--module', '--no_python', '--no_local_rank', '--no_ssh_check', '--force_multi', '--save_pid',
    '--elastic_training', '--bind_cores_to_rank', '--no_ssh',
  ],
  abbrev: true,
  hyphens: false,
};

const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);

/**
 * The option a word names, as argparse resolves it: exact, with `=value` attached, or (where
 * abbreviations are allowed) a unique prefix of a long option. undefined: not an option it has.
 */
function resolveOption(p: Parser, word: string): { name: string; valued: boolean; attached: boolean } | undefined {
  const eq = word.startsWith('--') ? word.indexOf('=') : -1;
  let name = eq > 0 ? word.slice(0, eq) : word;
  if (p.hyphens && name.startsWith('--')) name = `--${name.slice(2).replace(/-/g, '_')}`;
  const all = [...p.valued, ...p.flags];
  let hit = all.includes(name) ? name : undefined;
  if (hit === undefined && p.abbrev && name.startsWith('--')) {
    const found = all.filter((o) => o.startsWith('--') && o.startsWith(name));
    // Two spellings of one option (--nproc-per-node, --nproc_per_node) are not ambiguous here
    // only when they agree on taking a value.
    if (found.length > 0 && found.every((o) => p.valued.includes(o) === p.valued.includes(found[0]))) hit = found[0];
  }
  // A short option with its value attached (`-r3`).
  if (hit === undefined && /^-[A-Za-z]./.test(word) && p.valued.includes(word.slice(0, 2))) return { name: word.slice(0, 2), valued: true, attached: true };
  if (hit === undefined) return undefined;

  return { name: hit, valued: p.valued.includes(hit), attached: eq > 0 };
}

/**
 * The launcher's operand after its options, or undefined when an option is not one it has (a
 * newer or older version may read it differently: not followed).
 */
function operand(p: Parser, words: string[]): { word: string; seen: Set<string> } | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') return words[i + 1] === undefined ? undefined : { word: words[i + 1], seen };
    if (!w.startsWith('-') || w === '-') return { word: w, seen };
    const o = resolveOption(p, w);
    if (!o) return undefined;
    seen.add(o.name.replace(/-/g, '_'));
    if (o.valued && !o.attached) i++;
  }

  return undefined;
}

/** python's options before `-m MODULE` (`python -u -m torch.distributed.run`). */
function pythonModule(argv: string[]): { module: string; rest: string[] } | undefined {
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i];
    if (w === '-m') return argv[i + 1] === undefined ? undefined : { module: argv[i + 1], rest: argv.slice(i + 2) };
    if (/^-[^-]*m$/.test(w) && !w.includes('c')) return argv[i + 1] === undefined ? undefined : { module: argv[i + 1], rest: argv.slice(i + 2) };
    if (w === '-X' || w === '-W') {
      i++;
      continue;
    }
    if (!w.startsWith('-')) return undefined;
  }

  return undefined;
}

/**
 * The launcher a command line runs, and the script its workers open: `torchrun [opts] SCRIPT`,
 * `python -m torch.distributed.run [opts] SCRIPT` (and the older torch.distributed.launch, which
 * shares run.py's parser), `accelerate launch [opts] SCRIPT`, `deepspeed [opts] SCRIPT`.
 * undefined for any other command, or when an option is not one the launcher defines.
 */
export function launcherCall(argv: string[]): LauncherCall | undefined {
  const prog = base(argv[0] ?? '');
  let tool: LauncherTool;
  let pkg: LauncherCall['pkg'];
  let parser: Parser;
  let words: string[];
  if (prog === 'torchrun') {
    [tool, pkg, parser, words] = ['torchrun', 'torch', TORCHRUN, argv.slice(1)];
  } else if (prog === 'accelerate' && argv[1] === 'launch') {
    [tool, pkg, parser, words] = ['accelerate launch', 'accelerate', ACCELERATE, argv.slice(2)];
  } else if (prog === 'deepspeed') {
    [tool, pkg, parser, words] = ['deepspeed', 'deepspeed', DEEPSPEED, argv.slice(1)];
  } else if (/^python(\d(\.\d+)?)?$/.test(prog)) {
    const m = pythonModule(argv);
    if (m?.module !== 'torch.distributed.run' && m?.module !== 'torch.distributed.launch') return undefined;
    [tool, pkg, parser, words] = [m.module, 'torch', TORCHRUN, m.rest];
  } else return undefined;

  const op = operand(parser, words);
  if (!op) return { tool, pkg };
  const module = op.seen.has('_m') || op.seen.has('__module');
  const noPython = op.seen.has('__no_python');
  if (module) return { tool, pkg, module: true };
  if (noPython) return { tool, pkg, noPython: true };

  return { tool, pkg, script: op.word };
}

/** How the launcher is named in messages. */
export function launcherName(c: LauncherCall): string {
  return c.tool.startsWith('torch.distributed.') ? `python -m ${c.tool}` : c.tool;
}

/** The id of the assumption that a launcher's behaviour comes from its source. */
export function launcherId(c: LauncherCall): string {
  return `launcher:${c.tool.replace(' ', '-')}`;
}

/** The assumption's text: what is taken from the launcher's source, and why it is not measured. */
export function launcherAssumptionText(c: LauncherCall): string {
  const name = launcherName(c);
  const src = c.pkg === 'torch' ? 'torch/distributed/run.py' : c.pkg === 'accelerate' ? 'accelerate/commands/launch.py' : 'deepspeed/launcher/runner.py and launch.py';

  return `${name} is followed to the script it gives its workers, as its argument parser reads the command line (${src}); each worker runs it with python as the same user. What ${name} itself prints and its exit status when a worker fails are from its source, not measured (${c.pkg} is not installed where uidctl's measurements run)`;
}
