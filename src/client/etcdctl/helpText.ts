/**
 * etcdctl 3.4.23's help screens, recorded from its `--help` output so that `help` and usage
 * errors print exactly what etcdctl prints. Keys are command paths ("" is etcdctl itself).
 * Each entry is the text up to GLOBAL OPTIONS and the index of its GLOBAL OPTIONS block (-1: none).
 * Flag definitions (names, types, defaults) are read from these same screens by flags.ts.
 */
export const GLOBAL_BLOCKS: readonly string[] = [
 "GLOBAL OPTIONS:\n      --cacert=\"\"\t\t\t\tverify certificates of TLS-enabled secure servers using this CA bundle\n      --cert=\"\"\t\t\t\t\tidentify secure client using this TLS certificate file\n      --command-timeout=5s\t\t\ttimeout for short running command (excluding dial timeout)\n      --debug[=false]\t\t\t\tenable client-side debug logging\n      --dial-timeout=2s\t\t\t\tdial timeout for client connections\n  -d, --discovery-srv=\"\"\t\t\tdomain name to query for SRV records describing cluster endpoints\n      --discovery-srv-name=\"\"\t\t\tservice name to query when using DNS discovery\n      --endpoints=[127.0.0.1:2379]\t\tgRPC endpoints\n      --hex[=false]\t\t\t\tprint byte strings as hex encoded strings\n      --insecure-discovery[=true]\t\taccept insecure SRV records describing cluster endpoints\n      --insecure-skip-tls-verify[=false]\tskip server certificate verification (CAUTION: this option should be enabled only for testing purposes)\n      --insecure-transport[=true]\t\tdisable transport security for client connections\n      --keepalive-time=2s\t\t\tkeepalive time for client connections\n      --keepalive-timeout=6s\t\t\tkeepalive timeout for client connections\n      --key=\"\"\t\t\t\t\tidentify secure client using this TLS key file\n      --password=\"\"\t\t\t\tpassword for authentication (if this option is used, --user option shouldn't include password)\n      --user=\"\"\t\t\t\t\tusername[:password] for authentication (prompt if password is not supplied)\n  -w, --write-out=\"simple\"\t\t\tset the output format (fields, json, protobuf, simple, table)\n\n",
 "GLOBAL OPTIONS:\n      --cacert=\"\"\t\t\t\tverify certificates of TLS-enabled secure servers using this CA bundle\n      --cert=\"\"\t\t\t\t\tidentify secure client using this TLS certificate file\n      --cluster[=false]\t\t\t\tuse all endpoints from the cluster member list\n      --command-timeout=5s\t\t\ttimeout for short running command (excluding dial timeout)\n      --debug[=false]\t\t\t\tenable client-side debug logging\n      --dial-timeout=2s\t\t\t\tdial timeout for client connections\n  -d, --discovery-srv=\"\"\t\t\tdomain name to query for SRV records describing cluster endpoints\n      --discovery-srv-name=\"\"\t\t\tservice name to query when using DNS discovery\n      --endpoints=[127.0.0.1:2379]\t\tgRPC endpoints\n      --hex[=false]\t\t\t\tprint byte strings as hex encoded strings\n      --insecure-discovery[=true]\t\taccept insecure SRV records describing cluster endpoints\n      --insecure-skip-tls-verify[=false]\tskip server certificate verification (CAUTION: this option should be enabled only for testing purposes)\n      --insecure-transport[=true]\t\tdisable transport security for client connections\n      --keepalive-time=2s\t\t\tkeepalive time for client connections\n      --keepalive-timeout=6s\t\t\tkeepalive timeout for client connections\n      --key=\"\"\t\t\t\t\tidentify secure client using this TLS key file\n      --password=\"\"\t\t\t\tpassword for authentication (if this option is used, --user option shouldn't include password)\n      --user=\"\"\t\t\t\t\tusername[:password] for authentication (prompt if password is not supplied)\n  -w, --write-out=\"simple\"\t\t\tset the output format (fields, json, protobuf, simple, table)\n\n"
];

export const HELP: Readonly<Record<string, readonly [string, number]>> = {
 "alarm disarm": [
  "NAME:\n\talarm disarm - Disarms all alarms\n\nUSAGE:\n\tetcdctl alarm disarm [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for disarm\n\n",
  0
 ],
 "alarm list": [
  "NAME:\n\talarm list - Lists all alarms\n\nUSAGE:\n\tetcdctl alarm list [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for list\n\n",
  0
 ],
 "auth disable": [
  "NAME:\n\tauth disable - Disables authentication\n\nUSAGE:\n\tetcdctl auth disable [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for disable\n\n",
  0
 ],
 "auth enable": [
  "NAME:\n\tauth enable - Enables authentication\n\nUSAGE:\n\tetcdctl auth enable [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for enable\n\n",
  0
 ],
 "check datascale": [
  "NAME:\n\tcheck datascale - Check the memory usage of holding data for different workloads on a given server endpoint.\n\nUSAGE:\n\tetcdctl check datascale [options] [flags]\n\nDESCRIPTION:\n\tIf no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.\n\nOPTIONS:\n      --auto-compact[=false]\t\t\tCompact storage with last revision after test is finished.\n      --auto-defrag[=false]\t\t\tDefragment storage after test is finished.\n  -h, --help[=false]\t\t\t\thelp for datascale\n      --load=\"s\"\t\t\t\tThe datascale check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)\n      --prefix=\"/etcdctl-check-datascale/\"\tThe prefix for writing the datascale check's keys.\n\n",
  0
 ],
 "check perf": [
  "NAME:\n\tcheck perf - Check the performance of the etcd cluster\n\nUSAGE:\n\tetcdctl check perf [options] [flags]\n\nOPTIONS:\n      --auto-compact[=false]\t\tCompact storage with last revision after test is finished.\n      --auto-defrag[=false]\t\tDefragment storage after test is finished.\n  -h, --help[=false]\t\t\thelp for perf\n      --load=\"s\"\t\t\tThe performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)\n      --prefix=\"/etcdctl-check-perf/\"\tThe prefix for writing the performance check's keys.\n\n",
  0
 ],
 "compaction": [
  "NAME:\n\tcompaction - Compacts the event history in etcd\n\nUSAGE:\n\tetcdctl compaction [options] <revision> [flags]\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for compaction\n      --physical[=false]\t'true' to wait for compaction to physically remove all old revisions\n\n",
  0
 ],
 "completion bash": [
  "NAME:\n\tcompletion bash - Generate the autocompletion script for bash\n\nUSAGE:\n\tetcdctl completion bash\n\nDESCRIPTION:\n\tGenerate the autocompletion script for the bash shell.\n\t\n\tThis script depends on the 'bash-completion' package.\n\tIf it is not installed already, you can install it via your OS's package manager.\n\t\n\tTo load completions in your current shell session:\n\t\n\t\tsource <(etcdctl completion bash)\n\t\n\tTo load completions for every new session, execute once:\n\t\n\t#### Linux:\n\t\n\t\tetcdctl completion bash > /etc/bash_completion.d/etcdctl\n\t\n\t#### macOS:\n\t\n\t\tetcdctl completion bash > $(brew --prefix)/etc/bash_completion.d/etcdctl\n\t\n\tYou will need to start a new shell for this setup to take effect.\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for bash\n      --no-descriptions[=false]\tdisable completion descriptions\n\n",
  0
 ],
 "completion fish": [
  "NAME:\n\tcompletion fish - Generate the autocompletion script for fish\n\nUSAGE:\n\tetcdctl completion fish [flags]\n\nDESCRIPTION:\n\tGenerate the autocompletion script for the fish shell.\n\t\n\tTo load completions in your current shell session:\n\t\n\t\tetcdctl completion fish | source\n\t\n\tTo load completions for every new session, execute once:\n\t\n\t\tetcdctl completion fish > ~/.config/fish/completions/etcdctl.fish\n\t\n\tYou will need to start a new shell for this setup to take effect.\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for fish\n      --no-descriptions[=false]\tdisable completion descriptions\n\n",
  0
 ],
 "completion powershell": [
  "NAME:\n\tcompletion powershell - Generate the autocompletion script for powershell\n\nUSAGE:\n\tetcdctl completion powershell [flags]\n\nDESCRIPTION:\n\tGenerate the autocompletion script for powershell.\n\t\n\tTo load completions in your current shell session:\n\t\n\t\tetcdctl completion powershell | Out-String | Invoke-Expression\n\t\n\tTo load completions for every new session, add the output of the above command\n\tto your powershell profile.\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for powershell\n      --no-descriptions[=false]\tdisable completion descriptions\n\n",
  0
 ],
 "completion zsh": [
  "NAME:\n\tcompletion zsh - Generate the autocompletion script for zsh\n\nUSAGE:\n\tetcdctl completion zsh [flags]\n\nDESCRIPTION:\n\tGenerate the autocompletion script for the zsh shell.\n\t\n\tIf shell completion is not already enabled in your environment you will need\n\tto enable it.  You can execute the following once:\n\t\n\t\techo \"autoload -U compinit; compinit\" >> ~/.zshrc\n\t\n\tTo load completions in your current shell session:\n\t\n\t\tsource <(etcdctl completion zsh); compdef _etcdctl etcdctl\n\t\n\tTo load completions for every new session, execute once:\n\t\n\t#### Linux:\n\t\n\t\tetcdctl completion zsh > \"${fpath[1]}/_etcdctl\"\n\t\n\t#### macOS:\n\t\n\t\tetcdctl completion zsh > $(brew --prefix)/share/zsh/site-functions/_etcdctl\n\t\n\tYou will need to start a new shell for this setup to take effect.\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for zsh\n      --no-descriptions[=false]\tdisable completion descriptions\n\n",
  0
 ],
 "defrag": [
  "NAME:\n\tdefrag - Defragments the storage of the etcd members with given endpoints\n\nUSAGE:\n\tetcdctl defrag [flags]\n\nOPTIONS:\n      --cluster[=false]\tuse all endpoints from the cluster member list\n      --data-dir=\"\"\tOptional. If present, defragments a data directory not in use by etcd.\n  -h, --help[=false]\thelp for defrag\n\n",
  0
 ],
 "del": [
  "NAME:\n\tdel - Removes the specified key or range of keys [key, range_end)\n\nUSAGE:\n\tetcdctl del [options] <key> [range_end] [flags]\n\nOPTIONS:\n      --from-key[=false]\tdelete keys that are greater than or equal to the given key using byte compare\n  -h, --help[=false]\t\thelp for del\n      --prefix[=false]\t\tdelete keys with matching prefix\n      --prev-kv[=false]\t\treturn deleted key-value pairs\n\n",
  0
 ],
 "elect": [
  "NAME:\n\telect - Observes and participates in leader election\n\nUSAGE:\n\tetcdctl elect <election-name> [proposal] [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for elect\n  -l, --listen[=false]\tobservation mode\n\n",
  0
 ],
 "endpoint hashkv": [
  "NAME:\n\tendpoint hashkv - Prints the KV history hash for each endpoint in --endpoints\n\nUSAGE:\n\tetcdctl endpoint hashkv [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for hashkv\n      --rev=0\t\tmaximum revision to hash (default: all revisions)\n\n",
  1
 ],
 "endpoint health": [
  "NAME:\n\tendpoint health - Checks the healthiness of endpoints specified in `--endpoints` flag\n\nUSAGE:\n\tetcdctl endpoint health [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for health\n\n",
  1
 ],
 "endpoint status": [
  "NAME:\n\tendpoint status - Prints out the status of endpoints specified in `--endpoints` flag\n\nUSAGE:\n\tetcdctl endpoint status [flags]\n\nDESCRIPTION:\n\tWhen --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\n\tThe items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.\n\nOPTIONS:\n  -h, --help[=false]\thelp for status\n\n",
  1
 ],
 "get": [
  "NAME:\n\tget - Gets the key or a range of keys\n\nUSAGE:\n\tetcdctl get [options] <key> [range_end] [flags]\n\nOPTIONS:\n      --consistency=\"l\"\t\t\tLinearizable(l) or Serializable(s)\n      --from-key[=false]\t\tGet keys that are greater than or equal to the given key using byte compare\n  -h, --help[=false]\t\t\thelp for get\n      --keys-only[=false]\t\tGet only the keys\n      --limit=0\t\t\t\tMaximum number of results\n      --order=\"\"\t\t\tOrder of results; ASCEND or DESCEND (ASCEND by default)\n      --prefix[=false]\t\t\tGet keys with matching prefix\n      --print-value-only[=false]\tOnly write values when using the \"simple\" output format\n      --rev=0\t\t\t\tSpecify the kv revision\n      --sort-by=\"\"\t\t\tSort target; CREATE, KEY, MODIFY, VALUE, or VERSION\n\n",
  0
 ],
 "help": [
  "NAME:\n\thelp - Help about any command\n\nUSAGE:\n\tetcdctl help [command] [flags]\n\nDESCRIPTION:\n\tHelp provides help for any command in the application.\n\tSimply type etcdctl help [path to command] for full details.\n\nOPTIONS:\n  -h, --help[=false]\thelp for help\n\n",
  0
 ],
 "lease grant": [
  "NAME:\n\tlease grant - Creates leases\n\nUSAGE:\n\tetcdctl lease grant <ttl> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for grant\n\n",
  0
 ],
 "lease keep-alive": [
  "NAME:\n\tlease keep-alive - Keeps leases alive (renew)\n\nUSAGE:\n\tetcdctl lease keep-alive [options] <leaseID> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for keep-alive\n      --once[=false]\tResets the keep-alive time to its original value and exits immediately\n\n",
  0
 ],
 "lease list": [
  "NAME:\n\tlease list - List all active leases\n\nUSAGE:\n\tetcdctl lease list [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for list\n\n",
  0
 ],
 "lease revoke": [
  "NAME:\n\tlease revoke - Revokes leases\n\nUSAGE:\n\tetcdctl lease revoke <leaseID> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for revoke\n\n",
  0
 ],
 "lease timetolive": [
  "NAME:\n\tlease timetolive - Get lease information\n\nUSAGE:\n\tetcdctl lease timetolive <leaseID> [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for timetolive\n      --keys[=false]\tGet keys attached to this lease\n\n",
  0
 ],
 "lock": [
  "NAME:\n\tlock - Acquires a named lock\n\nUSAGE:\n\tetcdctl lock <lockname> [exec-command arg1 arg2 ...] [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for lock\n      --ttl=10\t\ttimeout for session\n\n",
  0
 ],
 "make-mirror": [
  "NAME:\n\tmake-mirror - Makes a mirror at the destination etcd cluster\n\nUSAGE:\n\tetcdctl make-mirror [options] <destination> [flags]\n\nOPTIONS:\n      --dest-cacert=\"\"\t\t\tVerify certificates of TLS enabled secure servers using this CA bundle\n      --dest-cert=\"\"\t\t\tIdentify secure client using this TLS certificate file for the destination cluster\n      --dest-insecure-transport[=true]\tDisable transport security for client connections\n      --dest-key=\"\"\t\t\tIdentify secure client using this TLS key file\n      --dest-prefix=\"\"\t\t\tdestination prefix to mirror a prefix to a different prefix in the destination cluster\n  -h, --help[=false]\t\t\thelp for make-mirror\n      --no-dest-prefix[=false]\t\tmirror key-values to the root of the destination cluster\n      --prefix=\"\"\t\t\tKey-value prefix to mirror\n\n",
  0
 ],
 "member add": [
  "NAME:\n\tmember add - Adds a member into the cluster\n\nUSAGE:\n\tetcdctl member add <memberName> [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for add\n      --learner[=false]\tindicates if the new member is raft learner\n      --peer-urls=\"\"\tcomma separated peer URLs for the new member.\n\n",
  0
 ],
 "member list": [
  "NAME:\n\tmember list - Lists all members in the cluster\n\nUSAGE:\n\tetcdctl member list [flags]\n\nDESCRIPTION:\n\tWhen --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.\n\tThe items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.\n\nOPTIONS:\n  -h, --help[=false]\thelp for list\n\n",
  0
 ],
 "member promote": [
  "NAME:\n\tmember promote - Promotes a non-voting member in the cluster\n\nUSAGE:\n\tetcdctl member promote <memberID> [flags]\n\nDESCRIPTION:\n\tPromotes a non-voting learner member to a voting one in the cluster.\n\nOPTIONS:\n  -h, --help[=false]\thelp for promote\n\n",
  0
 ],
 "member remove": [
  "NAME:\n\tmember remove - Removes a member from the cluster\n\nUSAGE:\n\tetcdctl member remove <memberID> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for remove\n\n",
  0
 ],
 "member update": [
  "NAME:\n\tmember update - Updates a member in the cluster\n\nUSAGE:\n\tetcdctl member update <memberID> [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for update\n      --peer-urls=\"\"\tcomma separated peer URLs for the updated member.\n\n",
  0
 ],
 "migrate": [
  "NAME:\n\tmigrate - Migrates keys in a v2 store to a mvcc store\n\nUSAGE:\n\tetcdctl migrate [flags]\n\nOPTIONS:\n      --data-dir=\"\"\tPath to the data directory\n  -h, --help[=false]\thelp for migrate\n      --no-ttl[=false]\tDo not convert TTL keys\n      --transformer=\"\"\tPath to the user-provided transformer program\n      --wal-dir=\"\"\tPath to the WAL directory\n\n",
  0
 ],
 "move-leader": [
  "NAME:\n\tmove-leader - Transfers leadership to another etcd cluster member.\n\nUSAGE:\n\tetcdctl move-leader <transferee-member-id> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for move-leader\n\n",
  0
 ],
 "put": [
  "NAME:\n\tput - Puts the given key into the store\n\nUSAGE:\n\tetcdctl put [options] <key> <value> (<value> can also be given from stdin) [flags]\n\nDESCRIPTION:\n\tPuts the given key into the store.\n\t\n\tWhen <value> begins with '-', <value> is interpreted as a flag.\n\tInsert '--' for workaround:\n\t\n\t$ put <key> -- <value>\n\t$ put -- <key> <value>\n\t\n\tIf <value> isn't given as a command line argument and '--ignore-value' is not specified,\n\tthis command tries to read the value from standard input.\n\t\n\tIf <lease> isn't given as a command line argument and '--ignore-lease' is not specified,\n\tthis command tries to read the value from standard input.\n\t\n\tFor example,\n\t$ cat file | put <key>\n\twill store the content of the file to <key>.\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for put\n      --ignore-lease[=false]\tupdates the key using its current lease\n      --ignore-value[=false]\tupdates the key using its current value\n      --lease=\"0\"\t\tlease ID (in hexadecimal) to attach to the key\n      --prev-kv[=false]\t\treturn the previous key-value pair before modification\n\n",
  0
 ],
 "role add": [
  "NAME:\n\trole add - Adds a new role\n\nUSAGE:\n\tetcdctl role add <role name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for add\n\n",
  0
 ],
 "role delete": [
  "NAME:\n\trole delete - Deletes a role\n\nUSAGE:\n\tetcdctl role delete <role name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for delete\n\n",
  0
 ],
 "role get": [
  "NAME:\n\trole get - Gets detailed information of a role\n\nUSAGE:\n\tetcdctl role get <role name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for get\n\n",
  0
 ],
 "role grant-permission": [
  "NAME:\n\trole grant-permission - Grants a key to a role\n\nUSAGE:\n\tetcdctl role grant-permission [options] <role name> <permission type> <key> [endkey] [flags]\n\nOPTIONS:\n      --from-key[=false]\tgrant a permission of keys that are greater than or equal to the given key using byte compare\n  -h, --help[=false]\t\thelp for grant-permission\n      --prefix[=false]\t\tgrant a prefix permission\n\n",
  0
 ],
 "role list": [
  "NAME:\n\trole list - Lists all roles\n\nUSAGE:\n\tetcdctl role list [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for list\n\n",
  0
 ],
 "role revoke-permission": [
  "NAME:\n\trole revoke-permission - Revokes a key from a role\n\nUSAGE:\n\tetcdctl role revoke-permission <role name> <key> [endkey] [flags]\n\nOPTIONS:\n      --from-key[=false]\trevoke a permission of keys that are greater than or equal to the given key using byte compare\n  -h, --help[=false]\t\thelp for revoke-permission\n      --prefix[=false]\t\trevoke a prefix permission\n\n",
  0
 ],
 "snapshot restore": [
  "NAME:\n\tsnapshot restore - Restores an etcd member snapshot to an etcd directory\n\nUSAGE:\n\tetcdctl snapshot restore <filename> [options] [flags]\n\nOPTIONS:\n      --data-dir=\"\"\t\t\t\t\t\tPath to the data directory\n  -h, --help[=false]\t\t\t\t\t\thelp for restore\n      --initial-advertise-peer-urls=\"http://localhost:2380\"\tList of this member's peer URLs to advertise to the rest of the cluster\n      --initial-cluster=\"default=http://localhost:2380\"\t\tInitial cluster configuration for restore bootstrap\n      --initial-cluster-token=\"etcd-cluster\"\t\t\tInitial cluster token for the etcd cluster during restore bootstrap\n      --name=\"default\"\t\t\t\t\t\tHuman-readable name for this member\n      --skip-hash-check[=false]\t\t\t\t\tIgnore snapshot integrity hash value (required if copied from data directory)\n      --wal-dir=\"\"\t\t\t\t\t\tPath to the WAL directory (use --data-dir if none given)\n\n",
  0
 ],
 "snapshot save": [
  "NAME:\n\tsnapshot save - Stores an etcd node backend snapshot to a given file\n\nUSAGE:\n\tetcdctl snapshot save <filename> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for save\n\n",
  0
 ],
 "snapshot status": [
  "NAME:\n\tsnapshot status - Gets backend snapshot status of a given file\n\nUSAGE:\n\tetcdctl snapshot status <filename> [flags]\n\nDESCRIPTION:\n\tWhen --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.\n\tThe items in the lists are hash, revision, total keys, total size.\n\nOPTIONS:\n  -h, --help[=false]\thelp for status\n\n",
  0
 ],
 "txn": [
  "NAME:\n\ttxn - Txn processes all the requests in one transaction\n\nUSAGE:\n\tetcdctl txn [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for txn\n  -i, --interactive[=false]\tInput transaction in interactive mode\n\n",
  0
 ],
 "user add": [
  "NAME:\n\tuser add - Adds a new user\n\nUSAGE:\n\tetcdctl user add <user name or user:password> [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for add\n      --interactive[=true]\tRead password from stdin instead of interactive terminal\n      --new-user-password=\"\"\tSupply password from the command line flag\n      --no-password[=false]\tCreate a user without password (CN based auth only)\n\n",
  0
 ],
 "user delete": [
  "NAME:\n\tuser delete - Deletes a user\n\nUSAGE:\n\tetcdctl user delete <user name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for delete\n\n",
  0
 ],
 "user get": [
  "NAME:\n\tuser get - Gets detailed information of a user\n\nUSAGE:\n\tetcdctl user get <user name> [options] [flags]\n\nOPTIONS:\n      --detail[=false]\tShow permissions of roles granted to the user\n  -h, --help[=false]\thelp for get\n\n",
  0
 ],
 "user grant-role": [
  "NAME:\n\tuser grant-role - Grants a role to a user\n\nUSAGE:\n\tetcdctl user grant-role <user name> <role name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for grant-role\n\n",
  0
 ],
 "user list": [
  "NAME:\n\tuser list - Lists all users\n\nUSAGE:\n\tetcdctl user list [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for list\n\n",
  0
 ],
 "user passwd": [
  "NAME:\n\tuser passwd - Changes password of user\n\nUSAGE:\n\tetcdctl user passwd <user name> [options] [flags]\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for passwd\n      --interactive[=true]\tIf true, read password from stdin instead of interactive terminal\n\n",
  0
 ],
 "user revoke-role": [
  "NAME:\n\tuser revoke-role - Revokes a role from a user\n\nUSAGE:\n\tetcdctl user revoke-role <user name> <role name> [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for revoke-role\n\n",
  0
 ],
 "version": [
  "NAME:\n\tversion - Prints the version of etcdctl\n\nUSAGE:\n\tetcdctl version [flags]\n\nOPTIONS:\n  -h, --help[=false]\thelp for version\n\n",
  0
 ],
 "watch": [
  "NAME:\n\twatch - Watches events stream on keys or prefixes\n\nUSAGE:\n\tetcdctl watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...] [flags]\n\nOPTIONS:\n  -h, --help[=false]\t\thelp for watch\n  -i, --interactive[=false]\tInteractive mode\n      --prefix[=false]\t\tWatch on a prefix if prefix is set\n      --prev-kv[=false]\t\tget the previous key-value pair before the event happens\n      --rev=0\t\t\tRevision to start watching\n\n",
  0
 ],
 "alarm": [
  "NAME:\n\talarm - Alarm related commands\n\nUSAGE:\n\tetcdctl alarm <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tdisarm\tDisarms all alarms\n\tlist\tLists all alarms\n\nOPTIONS:\n  -h, --help[=false]\thelp for alarm\n\n",
  0
 ],
 "auth": [
  "NAME:\n\tauth - Enable or disable authentication\n\nUSAGE:\n\tetcdctl auth <enable or disable> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tdisable\tDisables authentication\n\tenable\tEnables authentication\n\nOPTIONS:\n  -h, --help[=false]\thelp for auth\n\n",
  0
 ],
 "check": [
  "NAME:\n\tcheck - commands for checking properties of the etcd cluster\n\nUSAGE:\n\tetcdctl check <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tdatascale\tCheck the memory usage of holding data for different workloads on a given server endpoint.\n\tperf\t\tCheck the performance of the etcd cluster\n\nOPTIONS:\n  -h, --help[=false]\thelp for check\n\n",
  0
 ],
 "completion": [
  "NAME:\n\tcompletion - Generate the autocompletion script for the specified shell\n\nUSAGE:\n\tetcdctl completion [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tbash\t\tGenerate the autocompletion script for bash\n\tfish\t\tGenerate the autocompletion script for fish\n\tpowershell\tGenerate the autocompletion script for powershell\n\tzsh\t\tGenerate the autocompletion script for zsh\n\nDESCRIPTION:\n\tGenerate the autocompletion script for etcdctl for the specified shell.\n\tSee each sub-command's help for details on how to use the generated script.\n\nOPTIONS:\n  -h, --help[=false]\thelp for completion\n\n",
  0
 ],
 "endpoint": [
  "NAME:\n\tendpoint - Endpoint related commands\n\nUSAGE:\n\tetcdctl endpoint <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\thashkv\tPrints the KV history hash for each endpoint in --endpoints\n\thealth\tChecks the healthiness of endpoints specified in `--endpoints` flag\n\tstatus\tPrints out the status of endpoints specified in `--endpoints` flag\n\nOPTIONS:\n      --cluster[=false]\tuse all endpoints from the cluster member list\n  -h, --help[=false]\thelp for endpoint\n\n",
  0
 ],
 "lease": [
  "NAME:\n\tlease - Lease related commands\n\nUSAGE:\n\tetcdctl lease <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tgrant\t\tCreates leases\n\tkeep-alive\tKeeps leases alive (renew)\n\tlist\t\tList all active leases\n\trevoke\t\tRevokes leases\n\ttimetolive\tGet lease information\n\nOPTIONS:\n  -h, --help[=false]\thelp for lease\n\n",
  0
 ],
 "member": [
  "NAME:\n\tmember - Membership related commands\n\nUSAGE:\n\tetcdctl member <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tadd\tAdds a member into the cluster\n\tlist\tLists all members in the cluster\n\tpromote\tPromotes a non-voting member in the cluster\n\tremove\tRemoves a member from the cluster\n\tupdate\tUpdates a member in the cluster\n\nOPTIONS:\n  -h, --help[=false]\thelp for member\n\n",
  0
 ],
 "role": [
  "NAME:\n\trole - Role related commands\n\nUSAGE:\n\tetcdctl role <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tadd\t\t\tAdds a new role\n\tdelete\t\t\tDeletes a role\n\tget\t\t\tGets detailed information of a role\n\tgrant-permission\tGrants a key to a role\n\tlist\t\t\tLists all roles\n\trevoke-permission\tRevokes a key from a role\n\nOPTIONS:\n  -h, --help[=false]\thelp for role\n\n",
  0
 ],
 "snapshot": [
  "NAME:\n\tsnapshot - Manages etcd node snapshots\n\nUSAGE:\n\tetcdctl snapshot <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\trestore\tRestores an etcd member snapshot to an etcd directory\n\tsave\tStores an etcd node backend snapshot to a given file\n\tstatus\tGets backend snapshot status of a given file\n\nOPTIONS:\n  -h, --help[=false]\thelp for snapshot\n\n",
  0
 ],
 "user": [
  "NAME:\n\tuser - User related commands\n\nUSAGE:\n\tetcdctl user <subcommand> [flags]\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\tadd\t\tAdds a new user\n\tdelete\t\tDeletes a user\n\tget\t\tGets detailed information of a user\n\tgrant-role\tGrants a role to a user\n\tlist\t\tLists all users\n\tpasswd\t\tChanges password of user\n\trevoke-role\tRevokes a role from a user\n\nOPTIONS:\n  -h, --help[=false]\thelp for user\n\n",
  0
 ],
 "": [
  "NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n\nVERSION:\n\t3.4.23\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n\talarm disarm\t\tDisarms all alarms\n\talarm list\t\tLists all alarms\n\tauth disable\t\tDisables authentication\n\tauth enable\t\tEnables authentication\n\tcheck datascale\t\tCheck the memory usage of holding data for different workloads on a given server endpoint.\n\tcheck perf\t\tCheck the performance of the etcd cluster\n\tcompaction\t\tCompacts the event history in etcd\n\tcompletion bash\t\tGenerate the autocompletion script for bash\n\tcompletion fish\t\tGenerate the autocompletion script for fish\n\tcompletion powershell\tGenerate the autocompletion script for powershell\n\tcompletion zsh\t\tGenerate the autocompletion script for zsh\n\tdefrag\t\t\tDefragments the storage of the etcd members with given endpoints\n\tdel\t\t\tRemoves the specified key or range of keys [key, range_end)\n\telect\t\t\tObserves and participates in leader election\n\tendpoint hashkv\t\tPrints the KV history hash for each endpoint in --endpoints\n\tendpoint health\t\tChecks the healthiness of endpoints specified in `--endpoints` flag\n\tendpoint status\t\tPrints out the status of endpoints specified in `--endpoints` flag\n\tget\t\t\tGets the key or a range of keys\n\thelp\t\t\tHelp about any command\n\tlease grant\t\tCreates leases\n\tlease keep-alive\tKeeps leases alive (renew)\n\tlease list\t\tList all active leases\n\tlease revoke\t\tRevokes leases\n\tlease timetolive\tGet lease information\n\tlock\t\t\tAcquires a named lock\n\tmake-mirror\t\tMakes a mirror at the destination etcd cluster\n\tmember add\t\tAdds a member into the cluster\n\tmember list\t\tLists all members in the cluster\n\tmember promote\t\tPromotes a non-voting member in the cluster\n\tmember remove\t\tRemoves a member from the cluster\n\tmember update\t\tUpdates a member in the cluster\n\tmigrate\t\t\tMigrates keys in a v2 store to a mvcc store\n\tmove-leader\t\tTransfers leadership to another etcd cluster member.\n\tput\t\t\tPuts the given key into the store\n\trole add\t\tAdds a new role\n\trole delete\t\tDeletes a role\n\trole get\t\tGets detailed information of a role\n\trole grant-permission\tGrants a key to a role\n\trole list\t\tLists all roles\n\trole revoke-permission\tRevokes a key from a role\n\tsnapshot restore\tRestores an etcd member snapshot to an etcd directory\n\tsnapshot save\t\tStores an etcd node backend snapshot to a given file\n\tsnapshot status\t\tGets backend snapshot status of a given file\n\ttxn\t\t\tTxn processes all the requests in one transaction\n\tuser add\t\tAdds a new user\n\tuser delete\t\tDeletes a user\n\tuser get\t\tGets detailed information of a user\n\tuser grant-role\t\tGrants a role to a user\n\tuser list\t\tLists all users\n\tuser passwd\t\tChanges password of user\n\tuser revoke-role\tRevokes a role from a user\n\tversion\t\t\tPrints the version of etcdctl\n\twatch\t\t\tWatches events stream on keys or prefixes\n\nOPTIONS:\n      --cacert=\"\"\t\t\t\tverify certificates of TLS-enabled secure servers using this CA bundle\n      --cert=\"\"\t\t\t\t\tidentify secure client using this TLS certificate file\n      --command-timeout=5s\t\t\ttimeout for short running command (excluding dial timeout)\n      --debug[=false]\t\t\t\tenable client-side debug logging\n      --dial-timeout=2s\t\t\t\tdial timeout for client connections\n  -d, --discovery-srv=\"\"\t\t\tdomain name to query for SRV records describing cluster endpoints\n      --discovery-srv-name=\"\"\t\t\tservice name to query when using DNS discovery\n      --endpoints=[127.0.0.1:2379]\t\tgRPC endpoints\n  -h, --help[=false]\t\t\t\thelp for etcdctl\n      --hex[=false]\t\t\t\tprint byte strings as hex encoded strings\n      --insecure-discovery[=true]\t\taccept insecure SRV records describing cluster endpoints\n      --insecure-skip-tls-verify[=false]\tskip server certificate verification (CAUTION: this option should be enabled only for testing purposes)\n      --insecure-transport[=true]\t\tdisable transport security for client connections\n      --keepalive-time=2s\t\t\tkeepalive time for client connections\n      --keepalive-timeout=6s\t\t\tkeepalive timeout for client connections\n      --key=\"\"\t\t\t\t\tidentify secure client using this TLS key file\n      --password=\"\"\t\t\t\tpassword for authentication (if this option is used, --user option shouldn't include password)\n      --user=\"\"\t\t\t\t\tusername[:password] for authentication (prompt if password is not supplied)\n  -w, --write-out=\"simple\"\t\t\tset the output format (fields, json, protobuf, simple, table)\n\n",
  -1
 ]
};
