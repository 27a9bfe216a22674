# confine — plain Makefile; flags from pkg-config.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/libexec/confine
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
PAMDIR      ?= $(shell pkg-config --variable=libdir pam 2>/dev/null || echo /lib/x86_64-linux-gnu)/security
DESTDIR     ?=
# Owner flags of installed files; packaging builds (debian/rules, the RPM spec) clear it and
# let dpkg-deb/rpm record root as the owner.
INSTALL_OWNER ?= -o root -g root

PKGS        := libconfig pam libseccomp libmnl libnftables
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libnftables (net = "allow") is dlopen()ed when a session needs it (helper/netns.c): its
# headers only, never linked.
PKG_LIBS    := $(shell pkg-config --libs $(filter-out libnftables,$(PKGS)) 2>/dev/null)
# libsystemd (sd-bus) is optional: built with its headers, the systemd backend dlopen()s it
# when used; without them the backend reports that it is missing.
SYSTEMD     ?= $(shell pkg-config --exists libsystemd 2>/dev/null && echo yes)
ifeq ($(SYSTEMD),yes)
SD_CFLAGS   := -DHAVE_LIBSYSTEMD $(shell pkg-config --cflags libsystemd)
endif

CC          ?= cc
CFLAGS      ?= -O2 -g
WARN        := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-missing-field-initializers
HARDEN      := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE -fstack-clash-protection
DEFS        := -D_GNU_SOURCE -DCONFINE_HELPER_PATH=\"$(LIBEXECDIR)/confine-helper\" \
               -DCONFINE_SHELL_PATH=\"$(LIBEXECDIR)/confine-shell\" \
               -DCONFINE_KEEPER_PATH=\"$(LIBEXECDIR)/confine-keeper\" \
               -DCONFINE_INIT_PATH=\"$(LIBEXECDIR)/confine-init\"
# "..." includes find headers in helper/ and shell/ (-iquote: <seccomp.h> stays libseccomp's).
INCS        := -iquote helper -iquote shell
ALL_CFLAGS  := -std=gnu11 $(WARN) $(HARDEN) $(DEFS) $(INCS) $(PKG_CFLAGS) $(SD_CFLAGS) $(CFLAGS)
LDHARDEN    := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)

B           := build
# The setuid core: confine-shell links exactly these objects (shell/README.md), and only
# libc (raw capget/capset, no libcap); tests/shell/test_setuid_core.sh holds it to an allow-list. Its seccomp
# filter is BPF made at build time (SECCOMP_GEN: shell/seccomp.c's rules through libseccomp,
# run on the build machine, which must be of the target architecture).
CORE_SRCS   := shell/log.c shell/error.c shell/fs.c shell/duration.c shell/session-read.c \
               shell/session-procs.c shell/privs.c shell/seccomp-load.c shell/landlock.c \
               shell/pty-relay.c shell/sandbox-tty.c shell/sandbox.c shell/kiosk.c
SECCOMP_GEN := $(B)/gen/seccomp-filter.o
CORE_OBJS   := $(CORE_SRCS:%.c=$(B)/%.o) $(SECCOMP_GEN)
CORE_LIBS   :=
# Engine library of the root-side programs (confinectl, confine-helper) and the unit tests:
# the core plus the root-side work (config, cgroups, homes, writing session state).
# The config loader, one concern per file (config.c says which).
CONFIG_SRCS := helper/net-rule.c helper/config.c helper/config-file.c helper/config-scan.c helper/config-values.c \
               helper/config-profile.c helper/profile.c
# confinectl list/status/kill/top/metrics/join: records and cgroup figures, their text, the commands.
OPS_SRCS    := helper/ops-format.c helper/ops-session.c helper/ops-list.c helper/ops-status.c \
               helper/ops-log.c helper/ops-top.c helper/ops-metrics.c \
               helper/ops-kill.c helper/ops-join.c helper/ops-join-tty.c
LIB_SRCS    := $(CORE_SRCS) shell/seccomp.c helper/units.c $(CONFIG_SRCS) helper/cgroup.c \
               helper/cgroup-systemd.c helper/backend.c \
               helper/home.c helper/home-bind.c helper/home-image.c helper/session-store.c \
               helper/users.c helper/localdb.c helper/homefs.c helper/check-user.c helper/run-fixed.c helper/event.c \
               helper/check-sshd.c helper/check-keys.c helper/userns-probe.c helper/netns.c $(OPS_SRCS)
LIB_OBJS    := $(LIB_SRCS:%.c=$(B)/%.o) $(SECCOMP_GEN)

PROGS       := $(B)/confinectl $(B)/confine-helper $(B)/confine-shell $(B)/confine-keeper \
               $(B)/confine-init \
               $(B)/pam_confine.so
PAM_SRCS    := pam_module/pam_confine.c pam_module/args.c pam_module/spawn.c
PAM_LDFLAGS := -shared -Wl,-z,defs -Wl,--version-script=pam_module/pam_confine.map -Wl,-z,relro,-z,now \
               $(LDFLAGS)
UNIT_TESTS  := $(B)/tests/test_units $(B)/tests/test_config $(B)/tests/test_cgroup_limits \
               $(B)/tests/test_session $(B)/tests/test_seccomp $(B)/tests/test_home_image \
               $(B)/tests/test_error $(B)/tests/test_ops $(B)/tests/test_metrics \
               $(B)/tests/test_event $(B)/tests/test_localdb \
               $(B)/tests/test_check_user $(B)/tests/test_pty_relay $(B)/tests/test_net_rule \
               $(B)/tests/test_fs

.PHONY: all clean check check-unit check-vm check-vm-systemd install install-only install-dist deps try \
        build-deps-present
all: $(PROGS)

# Before the first compile: the libraries' headers, or a message naming what to install.
build-deps-present:
	@pkg-config --exists $(PKGS) 2>/dev/null || { \
		echo "confine: the build needs the pkg-config modules $(PKGS): run 'make deps' as root"; \
		bash tools/deps.sh --check build; exit 1; }

$(B)/%.o: %.c $(wildcard helper/*.h shell/*.h pam_module/*.h) | build-deps-present
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The seccomp filter as BPF (shell/seccomp-gen.c), compiled once here instead of at every
# session; test_seccomp compares it with a filter built afresh.
$(B)/seccomp-gen: $(B)/shell/seccomp-gen.o $(B)/shell/seccomp.o
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(shell pkg-config --libs libseccomp 2>/dev/null)
$(B)/gen/seccomp-filter.c: $(B)/seccomp-gen
	@mkdir -p $(dir $@)
	$< >$@.tmp && mv $@.tmp $@
$(B)/gen/seccomp-filter.o: $(B)/gen/seccomp-filter.c shell/seccomp-filter.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Made anew each time: a member of a moved or deleted source must not linger in it.
$(B)/libconfine.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/confinectl: $(B)/helper/confinectl.o $(B)/libconfine.a
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libconfine.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

PAM_TEST_BINS := $(B)/tests/test_pam $(B)/tests/pam_fake_helper $(B)/tests/pam_confine_probe.so

$(B)/tests/test_pam: tests/pam/test_pam.c tests/unit/tap.h helper/protocol.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< -lpam

$(B)/tests/pam_fake_helper: tests/pam/fake_helper.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $<

$(B)/tests/pam_confine_probe.so: tests/pam/probe.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -shared -Wl,-z,relro,-z,now -o $@ $< -lpam

# Unprivileged tests on the host: config, units, the PAM module's contract (fake helper).
check-unit: $(UNIT_TESTS) $(B)/confine-shell $(B)/confine-init $(B)/pam_confine.so $(B)/pam_confine_test.so $(PAM_TEST_BINS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; ./$$t; done
	@echo "== $(B)/tests/test_pam"; ./$(B)/tests/test_pam
	@echo "== tests/pam/test_symbols.sh"; sh tests/pam/test_symbols.sh $(B)/pam_confine.so $(B)/pam_confine_test.so
	@echo "== tests/shell/test_setuid_core.sh"; sh tests/shell/test_setuid_core.sh $(B)/confine-shell
	@echo "== tests/shell/test_init.sh"; sh tests/shell/test_init.sh $(B)/confine-init

VM_TESTS    := tests/vm/t00-smoke.sh tests/vm/t10-run.sh tests/vm/t20-login.sh \
               tests/vm/t25-enroll.sh tests/vm/t30-security.sh tests/vm/t31-escape.sh \
               tests/vm/t32-seccomp.sh tests/vm/t33-services.sh tests/vm/t34-persistent.sh tests/vm/t36-homes.sh \
               tests/vm/t35-attack.sh tests/vm/t73-attack-join.sh tests/vm/t70-ops.sh \
               tests/vm/t71-join.sh tests/vm/t72-events.sh tests/vm/t74-pty.sh tests/vm/t75-procmodel.sh \
               tests/vm/t76-attack-procmodel.sh tests/vm/t78-net.sh tests/vm/t79-attack-net.sh \
               tests/vm/t80-attack-review.sh
# t50 (limits) runs last in the fleet VM, the one VM with two CPUs (below): its end binds
# controllers to cgroup v1, and logins after it fail.
# The functional suites, run again with sanitized builds (t30 alone takes ~16 min under TCG).
# (t10 only: confinectl run's helper and setuid shell under ASan/UBSan; t20's logins take the
# plain build's time again for little more, and CI runs near its budget)
VM_SAN_TESTS := tests/vm/t10-run.sh
# One vCPU per VM: make check runs two VMs on two cores, and with two vCPUs each the guests'
# RCU grace periods and IPIs waited for a vCPU the host had descheduled. Measured side by
# side (t00+t10+t20+t33, load ~8): the VM ran 394 s with one vCPU, 632 s with two. The fleet
# VM keeps two: t50 checks cpuset.cpus, which needs a second CPU to mean anything.
VM_ENV      := CONFINE_VM_TIMEOUT=1800 CONFINE_VM_TOTAL_TIMEOUT=3600 CONFINE_VM_SMP=1

# Root integration tests in a throwaway qemu VM over the host root (never touches host /etc).
# Two VMs share the suite, run side by side (make -j2: on two cores the scripts, mostly one
# busy process each under TCG, take about as long together as alone): t30 and t35, the
# longest, t73 (attacks on join), t75 (process model), t78 (net allow-lists) and t79 (its
# attacks; both last, as they leave the host-side NAT table) in one, the rest in the other.
# Each script sets up what it needs. `make -j2 check-vm` runs both at once (make check does).
VM_TESTS_A  := tests/vm/t30-security.sh tests/vm/t35-attack.sh tests/vm/t73-attack-join.sh \
               tests/vm/t74-pty.sh tests/vm/t75-procmodel.sh tests/vm/t78-net.sh \
               tests/vm/t79-attack-net.sh
VM_TESTS_B  := $(filter-out $(VM_TESTS_A),$(VM_TESTS))
VM_JOBS     ?= 2
check-vm: check-vm-a check-vm-b
check-vm-a: all
	$(VM_ENV) bash tests/vm/run-vm.sh tests/vm/t00-smoke.sh $(VM_TESTS_A)
check-vm-b: all
	$(VM_ENV) bash tests/vm/run-vm.sh $(VM_TESTS_B)

# Fleets (issue 17): a real NFS server (t38) and a real directory, slapd + SSSD (t37), in a
# plain-init VM of their own (the daemons are started by hand), installed in the guest only
# from the .debs tools/deps.sh's vm group fetched into the VM cache (never on this host).
# Measured: beside one other VM (load ~2) t37 182 s (dpkg of 30 packages 112 s of it), t38
# ~4 min (dpkg of 5 packages 143 s); beside three other VMs (load ~8) t38 544 s and t37
# 556 s, 19 min for the VM. dpkg's maintainer scripts (perl: debconf, ucf, adduser,
# pam-auth-update) over 9p are most of it.
VM_FLEET_TESTS := tests/vm/t38-nfs.sh tests/vm/t37-directory.sh tests/vm/t50-limits.sh
check-vm-fleet: all
	$(VM_ENV) CONFINE_VM_SMP=2 bash tests/vm/run-vm.sh $(VM_FLEET_TESTS)

# The same VM booted with systemd as PID 1 (logind, pam_systemd sessions, systemd's cgroup
# tree); scripts for that mode go into VM_SYSTEMD_TESTS, after the mode's own smoke test.
VM_SYSTEMD_TESTS ?= tests/vm/t70-ops.sh tests/vm/t71-join.sh tests/vm/t72-events.sh \
                    tests/vm/t31-escape.sh tests/vm/t55-systemd.sh tests/vm/t56-systemd-services.sh \
                    tests/vm/t77-kiosk.sh
check-vm-systemd: all
	$(VM_ENV) CONFINE_VM_INIT=systemd bash tests/vm/run-vm.sh tests/vm/t40-systemd-smoke.sh $(VM_SYSTEMD_TESTS)

# Boots the VM with confine installed and PAM configured, at a real login prompt. Installs
# the Debian packages it needs first when they are missing (tools/deps.sh: as root, with apt;
# otherwise it names them), then builds in a new make that sees their pkg-config files.
try:
	bash tools/deps.sh build vm
	$(MAKE) all
	CONFINE_VM_SHELL=1 CONFINE_VM_TRY=1 bash tests/vm/run-vm.sh

# The README's test command: dependencies first (as for try), the unit tests, then the VM
# suites, VM_JOBS (2) at a time, each suite's output in one piece when it ends (-O).
# CHECK_VM_SAN=yes (CI) adds the functional suites with the sanitized build to the pool.
# The packages are built before the pool. make starts its goals in this order as a slot
# frees; the order packs the two slots evenly by the last preview's times under TCG, one
# vCPU and 9p cache=loose (seconds: b 705, a 682, package-systemd 676, systemd 602, fleet
# with t50 474, package-plain 186, san 112, host ~90), package-systemd first as the one that
# varies most with load.
VM_SUITES   := check-vm-package-systemd check-vm-b check-vm-a check-vm-systemd \
               check-vm-fleet check-vm-package-plain \
               $(if $(filter yes,$(CHECK_VM_SAN)),check-vm-san) check-package-host
check:
	bash tools/deps.sh build vm systemd-vm package
	$(MAKE) check-unit
	$(MAKE) all deb-next rpm vm-debs
	$(MAKE) -j$(VM_JOBS) -O $(VM_SUITES) PKG_BUILT=yes

# Owners and modes are explicit: the helper is root-only, confine-shell is setuid root but
# executable only by group confine (4750 root:confine), the config is root's and not writable
# by others, and an admin's edited config is never overwritten.
install: all
	$(MAKE) install-only

# Installs what is built, building nothing (the VM tests install sanitized builds this way).
install-only:
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(PAMDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/confine
	install -m 0755 $(INSTALL_OWNER) $(B)/confinectl $(DESTDIR)$(SBINDIR)/confinectl
	install -m 0700 $(INSTALL_OWNER) $(B)/confine-helper $(DESTDIR)$(LIBEXECDIR)/confine-helper
	install -m 0755 $(INSTALL_OWNER) $(B)/confine-keeper $(DESTDIR)$(LIBEXECDIR)/confine-keeper
	install -m 0755 $(INSTALL_OWNER) $(B)/confine-init $(DESTDIR)$(LIBEXECDIR)/confine-init
	# A staged install (DESTDIR) must not touch this machine's groups: the package's
	# postinst creates group confine and sets root:confine 4750 itself.
	if [ -z "$(DESTDIR)" ]; then \
		for g in confine confine-lab confine-kiosk; do \
			getent group $$g >/dev/null || groupadd --system $$g; done; \
		install -m 4750 -o root -g confine $(B)/confine-shell $(LIBEXECDIR)/confine-shell; \
	else \
		install -m 0700 $(INSTALL_OWNER) $(B)/confine-shell $(DESTDIR)$(LIBEXECDIR)/confine-shell; \
	fi
	install -m 0644 $(INSTALL_OWNER) $(B)/pam_confine.so $(DESTDIR)$(PAMDIR)/pam_confine.so
	[ -e $(DESTDIR)$(SYSCONFDIR)/confine/confine.conf ] || \
		install -m 0644 $(INSTALL_OWNER) conf/confine.conf $(DESTDIR)$(SYSCONFDIR)/confine/confine.conf
	install -m 0644 conf/confine.conf $(DESTDIR)$(SYSCONFDIR)/confine/confine.conf.default
	install -m 0644 man/confine.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	# The kiosk unit (names confine-shell's path) and its PAM service (README: Kiosk machines).
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/pam.d
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|g; s|@SBINDIR@|$(SBINDIR)|g' packaging/systemd/confine-kiosk@.service.in \
		>$(DESTDIR)$(UNITDIR)/confine-kiosk@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/confine-kiosk@.service
	install -m 0644 packaging/pam.d/confine-kiosk $(DESTDIR)$(SYSCONFDIR)/pam.d/confine-kiosk

# Build, test, packaging and lint dependencies (Debian/Ubuntu), the missing ones only. Never
# changes the init system or starts a service, not even at the next boot (tools/deps.sh says
# how). Fedora: dnf install gcc make pkgconf-pkg-config pam-devel libconfig-devel
# libseccomp-devel systemd-devel pamtester qemu-system-x86 busybox cpio kmod openssh-server
# openssh-clients strace rpm-build (the VM tests expect Debian's kernel package).
deps:
	bash tools/deps.sh all

# --- packages ---
# Files for distribution packages: the gc timer, the metrics timer (not enabled), sysusers.d (group confine), tmpfiles.d
# (/run/confine), the sshd Match block, bash completion; on Debian also the pam-auth-update
# profile and a cron job for hosts without systemd (PAMCONFIGDIR= and CRONDIR= leave them out).
UNITDIR      ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
SYSUSERSDIR  ?= /usr/lib/sysusers.d
TMPFILESDIR  ?= /usr/lib/tmpfiles.d
BASHCOMPDIR  ?= /usr/share/bash-completion/completions
SSHDCONFDIR  ?= $(SYSCONFDIR)/ssh/sshd_config.d
PAMCONFIGDIR ?= /usr/share/pam-configs
CRONDIR      ?= $(SYSCONFDIR)/cron.d
# The profile also puts "account required pam_confine.so" into common-account (the check
# that refuses confined users on services that never run the login shell). An account line
# naming a module without that hook would fail the account phase for everybody, so the
# build refuses a value that disagrees with what the module exports.
PAM_ACCOUNT  := yes

# The units and the cron job name confinectl where this install puts it (packages: /usr/sbin).
SBIN_SED     = sed 's|/usr/sbin/confinectl|$(SBINDIR)/confinectl|g'

install-dist: $(B)/pam_confine.so
	@has=no; nm -D --defined-only $(B)/pam_confine.so | grep -qw pam_sm_acct_mgmt && has=yes; \
	if [ "$$has" != "$(PAM_ACCOUNT)" ]; then \
		echo "Makefile: PAM_ACCOUNT is $(PAM_ACCOUNT) but pam_confine.so has pam_sm_acct_mgmt: $$has" >&2; \
		exit 1; fi
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SSHDCONFDIR)
	install -m 0644 packaging/systemd/confine-gc.timer packaging/systemd/confine-metrics.timer \
		$(DESTDIR)$(UNITDIR)/
	for u in confine-gc.service confine-metrics.service; do \
		$(SBIN_SED) packaging/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 0644 packaging/systemd/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/confine.conf
	install -m 0644 packaging/systemd/tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/confine.conf
	install -m 0644 packaging/sshd/confine.conf $(DESTDIR)$(SSHDCONFDIR)/confine.conf
	install -m 0644 packaging/completion/confinectl.bash $(DESTDIR)$(BASHCOMPDIR)/confinectl
ifneq ($(PAMCONFIGDIR),)
	install -d -m 0755 $(DESTDIR)$(PAMCONFIGDIR)
	$(if $(filter yes,$(PAM_ACCOUNT)),cat,sed '/^Account-Type:/,$$d') packaging/pam-configs/confine \
		>$(DESTDIR)$(PAMCONFIGDIR)/confine
	chmod 0644 $(DESTDIR)$(PAMCONFIGDIR)/confine
endif
ifneq ($(CRONDIR),)
	install -d -m 0755 $(DESTDIR)$(CRONDIR)
	$(SBIN_SED) packaging/cron/confine >$(DESTDIR)$(CRONDIR)/confine
	chmod 0644 $(DESTDIR)$(CRONDIR)/confine
endif

# `make deb`: libpam-confine_*.deb built by dpkg-buildpackage -us -uc -b from a copy of the
# tree with packaging/debian at its top, in $(DEB_B) (never in the parent directory);
# `make deb-next`: the same package with a higher version, for the upgrade test.
DEB_B        := $(B)/deb
RPM_B        := $(B)/rpm
.PHONY: deb deb-next rpm lintian check-package check-package-host check-vm-package \
        check-vm-package-plain check-vm-package-systemd vm-debs check-vm-a check-vm-b check-vm-fleet
deb:
	bash packaging/build-deb.sh $(DEB_B)
deb-next: deb
	bash packaging/build-deb.sh --next $(DEB_B)
# `make rpm`: confine-*.rpm built by rpmbuild -bb from packaging/rpm/confine.spec, in $(RPM_B).
rpm:
	bash packaging/build-rpm.sh $(RPM_B)
lintian: deb
	bash tests/pkg/lintian.sh $(DEB_B)

# Host side: the .deb's contents and lintian, the RPM, the completion; then the VMs: the
# package installed, used, upgraded, removed and purged (plain init and systemd as PID 1),
# and tools/deps.sh installing without starting services.
# PKG_BUILT=yes: the packages are built already (make check builds them before its VM pool,
# whose jobs would otherwise each rebuild them: the targets are phony).
PKG_PREREQ   := $(if $(filter yes,$(PKG_BUILT)),,deb-next)
check-package: check-package-host check-vm-package
check-package-host: $(if $(PKG_PREREQ),$(PKG_PREREQ) rpm)
	bash tests/pkg/lintian.sh $(DEB_B)
	bash tests/pkg/test_deb.sh $(DEB_B)
	bash tests/pkg/test_rpm.sh $(RPM_B)
	bash tests/pkg/test_completion.sh
	bash tests/pkg/test_make.sh
	bash tests/pkg/test_ansible.sh
check-vm-package: check-vm-package-plain check-vm-package-systemd
check-vm-package-plain: vm-debs $(PKG_PREREQ)
	$(VM_ENV) bash tests/vm/run-vm.sh tests/vm/t60-package.sh
check-vm-package-systemd: vm-debs $(PKG_PREREQ)
	$(VM_ENV) CONFINE_VM_INIT=systemd bash tests/vm/run-vm.sh tests/vm/t40-systemd-smoke.sh \
		tests/vm/t65-package-systemd.sh tests/vm/t66-deps-systemd.sh tests/vm/t67-deps-init.sh
# t66 installs openssh-server in the VM, which has no network: its .deb (the version this
# machine has) is fetched here once.
VM_DEBS      := $(B)/vm-debs
vm-debs:
	@mkdir -p $(VM_DEBS) && chmod 0755 $(VM_DEBS)
	cd $(VM_DEBS) && v=$$(dpkg-query -W -f='$${Version}' openssh-server) && \
		f=openssh-server_$$(echo "$$v" | sed 's/:/%3a/')_$$(dpkg --print-architecture).deb && \
		{ [ -f "$$f" ] || { rm -f openssh-server_*.deb; apt-get download -q "openssh-server=$$v"; }; }
# --- end packages ---

clean:
	rm -rf $(B)

# The module: position-independent, exporting only pam_sm_* (version script).
$(B)/pam_confine.so: $(PAM_SRCS) $(wildcard pam_module/*.h) helper/protocol.h helper/util.h pam_module/pam_confine.map \
		| build-deps-present
	$(CC) $(ALL_CFLAGS) -fPIC $(PAM_LDFLAGS) -o $@ $(PAM_SRCS) -lpam

# Test build: additionally accepts helper=PATH so tests can point it at a fake helper.
$(B)/pam_confine_test.so: $(PAM_SRCS) $(wildcard pam_module/*.h) helper/protocol.h helper/util.h pam_module/pam_confine.map
	$(CC) $(ALL_CFLAGS) -DCONFINE_TESTING -fPIC $(PAM_LDFLAGS) -o $@ $(PAM_SRCS) -lpam

$(B)/confine-helper: $(B)/helper/confine-helper.o $(B)/libconfine.a
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

# Static and tiny: one sleeps per session with the systemd backend (see confine-keeper.c).
KEEPER_FLAGS := $(if $(filter x86_64 aarch64,$(shell uname -m)),-nostdlib -ffreestanding) \
                -fno-stack-protector -fno-asynchronous-unwind-tables -U_FORTIFY_SOURCE
$(B)/confine-keeper: helper/confine-keeper.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) -O2 -g -static $(KEEPER_FLAGS) -o $@ $<

# A profile's init = true: runs as the user inside the sandbox, never setuid (init/).
$(B)/confine-init: init/confine-init.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $<

# bench/pty-rtt.c: the latency the terminal relay adds per keystroke (bench/README.md); not in all.
$(B)/pty-rtt: $(B)/bench/pty-rtt.o $(B)/libconfine.a
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

# Not libconfine.a: an explicit list, so no root-side object can be pulled in by one symbol.
$(B)/confine-shell: $(B)/shell/confine-shell.o $(CORE_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(CORE_LIBS)

# --- tooling: sanitizers, fuzzing, lint ---
# Sanitizer builds: the whole tree (programs, PAM module, unit and PAM tests) rebuilt into
# a build dir of its own by recursion with B= and CFLAGS=, then check-unit run there.
# One build with ASan (and LSan) and UBSan together, as systemd's CI does: one rebuild, one
# unit run and one VM run instead of two of each. _FORTIFY_SOURCE is undefined (ASan's
# interceptors and the __*_chk wrappers clash); gcc's sanitizers are used (CC) because
# clang does not link the ASan runtime into shared objects, which -Wl,-z,defs on
# pam_confine.so rejects. test_pam is itself built with ASan and links libpam, so the
# runtime is loaded before libpam dlopens the sanitized module.
SAN_B         := build-san
SAN_CFLAGS    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer -U_FORTIFY_SOURCE
# LeakSanitizer on; abort (non-zero exit) on the first report of either sanitizer.
SAN_ENV       := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                 LSAN_OPTIONS=report_objects=1

.PHONY: unit-bins san check-san check-vm-san fuzz $(FUZZERS:%=fuzz-run-%) fuzz-build lint lint-tidy lint-cppcheck lint-format lint-size lint-ansible \
        clean-tooling

# Everything check-unit runs, built but not run.
unit-bins: all $(UNIT_TESTS) $(B)/pam_confine_test.so $(PAM_TEST_BINS)

san:
	$(MAKE) B=$(SAN_B) CFLAGS="$(SAN_CFLAGS)" unit-bins
check-san: san
	$(SAN_ENV) $(MAKE) B=$(SAN_B) CFLAGS="$(SAN_CFLAGS)" check-unit

# The VM suite with the sanitized programs installed (helper, setuid shell, keeper; the
# PAM module is the plain build, see install-in-vm.sh): any sanitizer report aborts the
# program, which fails the test that ran it.
check-vm-san: san all
	$(VM_ENV) CONFINE_VM_BUILD=$(SAN_B) bash tests/vm/run-vm.sh $(VM_SAN_TESTS)

# libFuzzer harnesses (clang). Each links only the sources it exercises, all instrumented.
# `make fuzz` runs each for FUZZ_SECONDS; new inputs go to $(FUZZ_B)/corpus/NAME (the seeds
# in fuzz/corpus/NAME stay untouched), crashes to $(FUZZ_B)/artifacts/.
FUZZ_CC       ?= clang
FUZZ_B        := build-fuzz
FUZZ_SECONDS  ?= 60
FUZZ_SAN      := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARN) -Wno-unused-parameter \
                 $(DEFS) $(INCS) $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZERS       := fuzz_config fuzz_units fuzz_session
FUZZ_SRCS_fuzz_config  := fuzz/fuzz_config.c $(CONFIG_SRCS) shell/error.c helper/units.c shell/duration.c
FUZZ_SRCS_fuzz_units   := fuzz/fuzz_units.c helper/units.c shell/duration.c
FUZZ_SRCS_fuzz_session := fuzz/fuzz_session.c shell/session-read.c
FUZZ_OPTS     := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

fuzz-build: $(FUZZERS:%=$(FUZZ_B)/%)

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c $(wildcard helper/*.h shell/*.h) $(wildcard fuzz/*.h) \
		  $(CONFIG_SRCS) shell/error.c helper/units.c shell/duration.c shell/session-read.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS_fuzz_$*) $(if $(findstring config,$*),-lconfig)

# One target per harness: `make -j3 -O fuzz` (CI) runs them side by side, each for
# FUZZ_SECONDS of wall time, its output in one piece.
fuzz: $(FUZZERS:%=fuzz-run-%)
fuzz-run-fuzz_%: $(FUZZ_B)/fuzz_%
	@mkdir -p $(FUZZ_B)/corpus/$* $(FUZZ_B)/artifacts
	@echo "== fuzz_$* ($(FUZZ_SECONDS)s)"
	LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp:print_suppressions=0 \
	./$(FUZZ_B)/fuzz_$* $(FUZZ_OPTS) $(if $(wildcard fuzz/$*.dict),-dict=fuzz/$*.dict) \
		-max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_B)/artifacts/$*- \
		$(FUZZ_B)/corpus/$* fuzz/corpus/$*

# Static analysis over the same sources with the project's flags. Both must exit 0.
LINT_SRCS     := $(wildcard helper/*.c shell/*.c init/*.c pam_module/*.c)
LINT_FLAGS    := -std=gnu11 $(DEFS) $(INCS) $(PKG_CFLAGS)
CLANG_TIDY    ?= clang-tidy
CPPCHECK      ?= cppcheck
CLANG_FORMAT  ?= clang-format
# Every C file of the tree is checked against .clang-format (tools/lint/format-pending.txt:
# those not formatted yet); functions in helper/, shell/ and pam_module/ fit 80 lines
# (tools/lint/long-functions.txt: those allowed longer, with a reason).
FORMAT_SRCS   := $(wildcard helper/*.[ch] shell/*.[ch] init/*.c pam_module/*.[ch] tests/*/*.[ch] tests/vm/progs/*.c fuzz/*.[ch])

lint: lint-tidy lint-cppcheck lint-format lint-size lint-ansible
# The example playbook (doc/fleet.md): its syntax (~2 s); check-package-host runs it with
# --check in a private mount namespace (tests/pkg/test_ansible.sh).
lint-ansible:
	cd packaging/ansible && ANSIBLE_LOCALHOST_WARNING=false ansible-playbook --syntax-check \
		-i localhost, confine.yml
lint-format:
	CLANG_FORMAT=$(CLANG_FORMAT) bash tools/lint/check-format.sh $(FORMAT_SRCS)
lint-size:
	CLANG_TIDY=$(CLANG_TIDY) bash tools/lint/check-function-size.sh $(LINT_SRCS) -- $(LINT_FLAGS)
lint-tidy:
	$(CLANG_TIDY) --quiet --warnings-as-errors='*' $(LINT_SRCS) -- $(LINT_FLAGS)
lint-cppcheck:
	$(CPPCHECK) --quiet --std=c11 --enable=warning,portability,performance --error-exitcode=1 \
		--inline-suppr --suppress=missingIncludeSystem $(DEFS) -D__GNUC__ -I helper -I shell \
		'-D_Noreturn=__attribute__((noreturn))' \
		$(LINT_SRCS)

clean-tooling:
	rm -rf $(SAN_B) $(FUZZ_B)
# --- end tooling ---
