#!/bin/bash
# confine benchmarks: runs INSIDE the throwaway test VM (bench/run-bench.sh boots it).
# Every goal is a ratio against a baseline measured side by side in this same VM: under
# TCG everything is ~30x slower than native, so absolute times mean little.
#
# Knobs (environment): BENCH_N       iterations per timed command (default 10)
#                      BENCH_PROCS   processes in the teardown benchmark (default 1000)
#                      BENCH_SESSIONS idle sessions kept open in benchmark 5 (default 200)
#                      BENCH_REPS    repetitions of each teardown measurement (default 2)
#                      BENCH_ONLY    space-separated subset of: login net setup mem teardown flat
# Output: one "bench NAME: ..." line and one "verdict NAME: PASS|MISS|INFO" line per goal.
set -u
[ "${CONFINE_VM:-0}" = 1 ] || { echo "vm-bench.sh: run me inside the VM (bench/run-bench.sh)" >&2; exit 1; }
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

N=${BENCH_N:-10}
NPROCS=${BENCH_PROCS:-1000}
NSESS=${BENCH_SESSIONS:-200}
ONLY=${BENCH_ONLY:-login net setup mem teardown flat}
# The installed copy (made by install-in-vm.sh into the VM's tmpfs overlay), not build/:
# the VM sees the host's repo live, and a `make` on the host mid-run would swap the binary
# under running benchmarks (seen: SIGSEGV in confinectl processes started after the swap).
CTL=/usr/local/sbin/confinectl
HELPER=/usr/local/libexec/confine/confine-helper
CGROOT=/sys/fs/cgroup/confine
BENCHCONF=/etc/confine/bench.conf

note() { printf '# %s\n' "$*"; }
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

# --- timing helpers (EPOCHREALTIME: no fork per sample) -----------------------------------
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
# time_us CMD...: prints the wall time of CMD in microseconds; CMD's output is discarded.
time_us() {
	local a b
	a=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1 </dev/null
	b=${EPOCHREALTIME/./}
	echo $((b - a))
}
median() { sort -n | awk '{v[NR]=$1} END {if (NR==0) {print 0; exit} if (NR%2) print v[(NR+1)/2]; else print int((v[NR/2]+v[NR/2+1])/2)}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f ms", u/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b <= 0) print "inf"; else printf "%.2f", a/b}'; }
# verdict NAME RATIO OP LIMIT: PASS if RATIO OP LIMIT holds (OP: le or lt)
verdict() {
	local ok
	ok=$(awk -v r="$2" -v l="$4" -v op="$3" 'BEGIN {if (r == "inf") {print 0; exit} print (op == "lt" ? r < l : r <= l) ? 1 : 0}')
	if [ "$ok" = 1 ]; then echo "verdict $1: PASS"; else echo "verdict $1: MISS"; fi
}

# alternate N NAME_A "CMD A" NAME_B "CMD B": runs A and B alternately N times each (after
# one untimed warm-up of each), sets MED_A / MED_B (median microseconds) and prints samples.
alternate() {
	local n=$1 ca=$3 cb=$5 i
	local -a sa=() sb=()
	bash -c "$ca" >/dev/null 2>&1 </dev/null
	bash -c "$cb" >/dev/null 2>&1 </dev/null
	for ((i = 0; i < n; i++)); do
		sa+=("$(time_us bash -c "$ca")")
		sb+=("$(time_us bash -c "$cb")")
	done
	MED_A=$(printf '%s\n' "${sa[@]}" | median)
	MED_B=$(printf '%s\n' "${sb[@]}" | median)
	note "$2 samples (us): ${sa[*]}"
	note "$4 samples (us): ${sb[*]}"
}

# --- setup ---------------------------------------------------------------------------------
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
id plain >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group plain
GUEST_UID=$(id -u guest) GUEST_GID=$(id -g guest)
# A profile like guest, but room for the 1000-process session.
cat >"$BENCHCONF" <<'EOF'
cgroup_root = "/sys/fs/cgroup/confine";
state_dir = "/var/lib/confine";
profiles = {
	bench = {
		home = "ephemeral"; home_size = "256M"; tmp_size = "64M";
		memory_max = "1G"; cpu_quota = "max"; pids_max = 2000;
		net = "none"; hostname = "confine"; shell = "/bin/bash";
	};
};
rules = ( { user = "nobody-bench"; profile = "bench"; } );
EOF
chmod 0644 "$BENCHCONF"
"$CTL" check --config "$BENCHCONF" >/dev/null 2>&1 || { echo "bench: $BENCHCONF invalid:"; "$CTL" check --config "$BENCHCONF"; exit 1; }
"$CTL" run --profile guest --user guest -- /bin/true || { echo "bench: confinectl run does not work here"; exit 1; }
note "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo), N=$N"
if command -v hyperfine >/dev/null; then note "hyperfine $(hyperfine --version | awk '{print $2}') present (not used: it cannot alternate two commands)"; fi
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"

# --- 1. login overhead -----------------------------------------------------------------------
if want login; then
	alternate "$N" confined "su -l guest -c true" plain "su -l plain -c true"
	r=$(ratio "$MED_A" "$MED_B")
	echo "bench login: confined $(ms "$MED_A") vs baseline $(ms "$MED_B") → ratio $r (goal ≤ 1.15)"
	verdict login "$r" le 1.15
	# For information: what pam_confine costs an unconfined user (module out of the stack).
	cp /etc/pam.d/common-session /tmp/common-session.bench
	grep -v pam_confine /tmp/common-session.bench >/etc/pam.d/common-session
	alternate "$N" plain-nomodule "su -l plain -c true" plain-nomodule2 "su -l plain -c true"
	nomod=$(printf '%s\n%s\n' "$MED_A" "$MED_B" | median)
	cp /tmp/common-session.bench /etc/pam.d/common-session
	echo "bench login-module-cost: unconfined with pam_confine $(ms "$MED_B") vs without $(ms "$nomod") → ratio $(ratio "$MED_B" "$nomod") (info)"
	echo "verdict login-module-cost: INFO"
fi

# --- 1b. a net = "allow" login vs a net = "none" login (issue 15: goal <= 1.1) -----------------
if want net; then
	modprobe -a veth nf_tables 2>/dev/null
	id netu >/dev/null 2>&1 ||
		useradd --create-home --shell /usr/local/libexec/confine/confine-shell --groups confine --user-group netu
	cp /etc/confine/confine.conf /tmp/confine.conf.bench
	cat >/etc/confine/confine.conf <<'EOF'
profiles = {
	none = { };
	allow = { net = "allow"; net_allow = [ "tcp:192.0.2.10:443", "udp:192.0.2.53:53",
		"tcp:[2001:db8::1]:80", "tcp:192.0.2.0/24:22" ]; };
};
rules = ( { user = "guest"; profile = "none"; }, { user = "netu"; profile = "allow"; } );
EOF
	alternate "$N" allow "su -l netu -c true" none "su -l guest -c true"
	r=$(ratio "$MED_A" "$MED_B")
	echo "bench net: allow $(ms "$MED_A") vs none $(ms "$MED_B") → ratio $r (goal ≤ 1.1)"
	verdict net "$r" le 1.1
	cp /tmp/confine.conf.bench /etc/confine/confine.conf
fi

# --- 2. sandbox setup vs bubblewrap ---------------------------------------------------------
# bwrap, as equal as 0.8.0 allows: every namespace (user, ipc, pid, net, uts, cgroup), the
# guest's uid/gid, own hostname, read-only root, fresh /proc, minimal /dev, tmpfs /tmp,
# /run and /dev/shm. It creates no cgroup and no overlay home (0.8 has no overlay): confine
# does both, so the comparison is, if anything, in bwrap's favour.
BWRAP="bwrap --unshare-all --unshare-user --uid $GUEST_UID --gid $GUEST_GID --hostname confine --die-with-parent --new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp --tmpfs /run --tmpfs /dev/shm /bin/true"
if want setup; then
	if ! command -v bwrap >/dev/null; then
		echo "bench setup: bwrap not installed (apt-get install bubblewrap)"; echo "verdict setup: MISS"
	else
		$BWRAP || note "bwrap fails here: $($BWRAP 2>&1 | head -n1)"
		alternate "$N" confinectl "$CTL run --profile guest --user guest -- /bin/true" bwrap "$BWRAP"
		r=$(ratio "$MED_A" "$MED_B")
		echo "bench setup: confined $(ms "$MED_A") vs baseline $(ms "$MED_B") → ratio $r (goal ≤ 1.0)"
		verdict setup "$r" le 1.0
		# for scale: a bare fork+exec of /bin/true
		alternate "$N" confinectl "$CTL run --profile guest --user guest -- /bin/true" bare "/bin/true"
		echo "bench setup-vs-bare-exec: confined $(ms "$MED_A") vs /bin/true $(ms "$MED_B") → ratio $(ratio "$MED_A" "$MED_B") (info)"
		echo "verdict setup-vs-bare-exec: INFO"
	fi
fi

# --- 3. idle supervisor memory ----------------------------------------------------------------
pss_kb() { awk '/^Pss:/ {print $2; f=1} END {if (!f) print 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
uss_kb() { awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/ {print $2; f=1} END {if (!f) print 0}' "/proc/$1/status" 2>/dev/null || echo 0; }
child_of() { pgrep -P "$1" | head -n1; }
# wait_child PID: the first child of PID, waiting up to 30 s for it to appear
wait_child() { local i c; for ((i = 0; i < 300; i++)); do c=$(child_of "$1"); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.1; done; }
# mem_report NAME OUTER: OUTER is the supervisor outside; its child the namespaced parent;
# that one's child the session's PID 1 (not counted).
mem_report() {
	local name=$1 outer=$2 nsp init i pss=0 rss=0 uss=0 p
	nsp=$(wait_child "$outer")
	[ -n "$nsp" ] && init=$(wait_child "$nsp")
	for ((i = 0; i < 300; i++)); do # until PID 1 has exec'd the session's program
		[ -n "${init:-}" ] && [ "$(cat /proc/$init/comm 2>/dev/null)" = sleep ] && break
		init=$(child_of "$nsp"); sleep 0.1
	done
	sleep 1
	for p in "$outer" $nsp; do
		pss=$((pss + $(pss_kb "$p"))); rss=$((rss + $(rss_kb "$p"))); uss=$((uss + $(uss_kb "$p")))
		note "$name supervisor pid $p comm=$(cat /proc/$p/comm) Pss=$(pss_kb "$p") kB RSS=$(rss_kb "$p") kB USS=$(uss_kb "$p") kB"
	done
	# where the outer supervisor's Pss goes: its five biggest mappings
	awk '/^[0-9a-f]+-[0-9a-f]+ / {m = ($6 == "" ? "[anon]" : $6)} /^Pss:/ {p[m] += $2} END {for (k in p) print p[k], k}' \
		"/proc/$outer/smaps" 2>/dev/null | sort -rn | head -n5 | while read -r kb m; do note "  $name outer Pss $kb kB in $m"; done
	note "$name session PID 1: pid ${init:-?} comm=$(cat /proc/${init:-0}/comm 2>/dev/null)"
	local r; r=$(awk -v p="$pss" 'BEGIN {printf "%.2f", p/512}')
	echo "bench mem-$name: supervisors Pss $pss kB (RSS $rss kB, USS $uss kB) vs goal 512 kB → ratio $r (goal ≤ 1.0, i.e. ≤ 0.5 MiB Pss)"
	verdict "mem-$name" "$r" le 1.0
}
if want mem; then
	"$CTL" run --profile guest --user guest -- sleep 600 </dev/null >/dev/null 2>&1 &
	cpid=$!
	mem_report confinectl "$cpid"
	kill -TERM "$cpid"; wait "$cpid" 2>/dev/null
	# A real login: su → confine-shell (outer, root) → confine-shell (namespaced parent) → shell
	setsid su -l guest -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &
	spid=$!
	sh_outer=$(wait_child "$spid")
	mem_report login "$sh_outer"
	note "(not counted: su itself, pid $spid, Pss $(pss_kb "$spid") kB — su stays for any PAM session)"
	kill -TERM "$spid"; sleep 3; kill -KILL "$spid" 2>/dev/null; wait 2>/dev/null
fi

# --- 4. teardown of a 1000-process session -----------------------------------------------------
# Starts a bench-profile session whose PID 1 (sh) forks COUNT `sleep 1000`, waits until
# pids.current says they are all there, SIGKILLs PID 1 from outside (the namespace goes
# down, confinectl sees its program die and destroys the cgroup: cgroup.kill, wait for
# "populated 0", rmdir) and times from the kill until the cgroup directory is gone.
teardown_once() {
	local count=$1 pid leaf init i t0 t1
	"$CTL" run --config "$BENCHCONF" --profile bench --user guest -- \
		sh -c "i=0; while [ \$i -lt $count ]; do sleep 1000 & i=\$((i+1)); done; exec sleep 1000" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		leaf=$(compgen -G "$CGROOT/run-$pid-*" | head -n1)
		[ -n "$leaf" ] && [ "$(cat "$leaf/pids.current" 2>/dev/null || echo 0)" -ge $((count + 1)) ] && break
		sleep 0.1
	done
	[ -n "$leaf" ] || { echo "-1"; return; }
	init=$(child_of "$(child_of "$pid")")
	sleep 0.5
	t0=${EPOCHREALTIME/./}
	kill -KILL "$init"
	while [ -d "$leaf" ]; do :; done
	t1=${EPOCHREALTIME/./}
	wait "$pid" 2>/dev/null
	echo $((t1 - t0))
}
# The kernel's own floor: the same processes in a bare cgroup, cgroup.kill, wait, rmdir.
teardown_raw() {
	local count=$1 cg=$CGROOT/bench-raw i t0 t1
	mkdir -p "$cg"
	( echo "$BASHPID" >"$cg/cgroup.procs"; i=0; while [ $i -lt "$count" ]; do sleep 1000 & i=$((i + 1)); done; exec sleep 1000 ) </dev/null >/dev/null 2>&1 &
	for ((i = 0; i < 1200; i++)); do [ "$(cat "$cg/pids.current" 2>/dev/null || echo 0)" -ge $((count + 1)) ] && break; sleep 0.1; done
	sleep 0.5
	t0=${EPOCHREALTIME/./}
	echo 1 >"$cg/cgroup.kill"
	local ev=
	# builtins only while polling (a fork per poll would dominate under TCG); one rmdir exec
	until [[ $ev == *"populated 0"* ]]; do IFS= read -r -d '' ev <"$cg/cgroup.events"; done
	until rmdir "$cg" 2>/dev/null; do :; done
	t1=${EPOCHREALTIME/./}
	wait 2>/dev/null
	echo $((t1 - t0))
}
if want teardown; then
	reps=${BENCH_REPS:-2}
	big=() small=() raw=()
	for ((k = 0; k < reps; k++)); do
		small+=("$(teardown_once 1)")
		big+=("$(teardown_once "$NPROCS")")
		raw+=("$(teardown_raw "$NPROCS")")
	done
	note "teardown 1 process (us): ${small[*]}"
	note "teardown $NPROCS processes (us): ${big[*]}"
	note "raw kernel cgroup.kill+rmdir of $NPROCS processes (us): ${raw[*]}"
	mb=$(printf '%s\n' "${big[@]}" | median) ms1=$(printf '%s\n' "${small[@]}" | median) mr=$(printf '%s\n' "${raw[@]}" | median)
	echo "bench teardown: confined $NPROCS procs $(ms "$mb") vs baseline 1 proc $(ms "$ms1") → ratio $(ratio "$mb" "$ms1") (goal < 100 ms native; TCG ~30x → $(ms "$mb") / 30 ≈ $(ms $((mb / 30))) native-equivalent)"
	if [ "$mb" -lt 3000000 ]; then echo "verdict teardown: PASS (< 100 ms × 30 TCG factor)"; else echo "verdict teardown: MISS"; fi
	echo "bench teardown-vs-kernel: confined $NPROCS procs $(ms "$mb") vs raw cgroup.kill+rmdir $(ms "$mr") → ratio $(ratio "$mb" "$mr") (info: confine's own share)"
	echo "verdict teardown-vs-kernel: INFO"
fi

# --- 5. setup stays flat with many sessions open ---------------------------------------------
# (a) confinectl run: 0 vs NSESS idle `confinectl run ... sleep 600` sessions.
# (b) the PAM login path (su -l guest -c true): 0 vs NSESS open PAM sessions of guest.
#     Opening NSESS real logins is too slow under TCG, so each is opened the way pam_confine
#     opens it: confine-helper open, from a process that then stays alive (exec sleep) —
#     same record, cgroup leaf and home reference as a login, without the shell.
setup_med() { local i s=(); for ((i = 0; i < N; i++)); do s+=("$(time_us "$@")"); done; note "samples (us): ${s[*]}" >&2; printf '%s\n' "${s[@]}" | median; }
if want flat; then
	rm -f /tmp/bench-open.*
	b0=$(setup_med "$CTL" run --profile guest --user guest -- /bin/true)
	l0=$(setup_med su -l guest -c true)
	note "opening $NSESS idle confinectl sessions and $NSESS idle PAM sessions of guest ..."
	t0=${EPOCHREALTIME/./}
	pids=()
	for ((i = 0; i < NSESS; i++)); do
		"$CTL" run --profile guest --user guest -- sleep 600 </dev/null >/dev/null 2>&1 &
		pids+=($!)
		bash -c "$HELPER open guest su '' '' >/dev/null 2>&1 || echo fail >>/tmp/bench-open.fail; exec sleep 600" </dev/null >/dev/null 2>&1 &
		pids+=($!)
		# every 20, let them settle: keeps the run queue short on 2 vCPUs
		((i % 20 == 19)) && sleep 2
	done
	for ((i = 0; i < 600; i++)); do
		n=$(find "$CGROOT" -mindepth 1 -maxdepth 2 -type d \( -name 'run-*' -o -name '[0-9]*' \) | wc -l)
		[ "$n" -ge $((2 * NSESS)) ] && break
		sleep 0.5
	done
	t1=${EPOCHREALTIME/./}
	nrec=$(ls /run/confine/sessions 2>/dev/null | wc -l)
	note "open: $n session cgroups, $nrec PAM session records, $(cat /tmp/bench-open.fail 2>/dev/null | wc -l) failed opens, $(( (t1 - t0) / 1000000 )) s to open, MemAvailable $(awk '/MemAvailable/ {print $2}' /proc/meminfo) kB"
	sleep 5
	bn=$(setup_med "$CTL" run --profile guest --user guest -- /bin/true)
	ln=$(setup_med su -l guest -c true)
	r=$(ratio "$bn" "$b0")
	echo "bench flat-run: confined with $NSESS sessions open $(ms "$bn") vs baseline with 0 $(ms "$b0") → ratio $r (goal ≤ 1.2)"
	verdict flat-run "$r" le 1.2
	r=$(ratio "$ln" "$l0")
	echo "bench flat-login: su -l guest with $NSESS PAM sessions open $(ms "$ln") vs baseline with 0 $(ms "$l0") → ratio $r (goal ≤ 1.2)"
	verdict flat-login "$r" le 1.2
	# clean up: the helper's gc collects the PAM sessions once their processes are gone
	kill -KILL "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	t0=${EPOCHREALTIME/./}
	$HELPER gc >/dev/null 2>&1
	t1=${EPOCHREALTIME/./}
	note "confine-helper gc of $nrec dead sessions: $(ms $((t1 - t0)))"
fi
exit 0
