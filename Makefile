# confine — plain Makefile; flags from pkg-config.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/libexec/confine
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
PAMDIR      ?= $(shell pkg-config --variable=libdir pam 2>/dev/null || echo /lib/x86_64-linux-gnu)/security
DESTDIR     ?=

PKGS        := libcap libconfig pam
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS    := $(shell pkg-config --libs $(PKGS))

CC          ?= cc
CFLAGS      ?= -O2 -g
WARN        := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-missing-field-initializers
HARDEN      := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE -fstack-clash-protection
DEFS        := -D_GNU_SOURCE -DCONFINE_HELPER_PATH=\"$(LIBEXECDIR)/confine-helper\" \
               -DCONFINE_SHELL_PATH=\"$(LIBEXECDIR)/confine-shell\"
ALL_CFLAGS  := -std=gnu11 $(WARN) $(HARDEN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)
LDHARDEN    := -pie -Wl,-z,relro,-z,now -Wl,--as-needed

B           := build
# Engine library shared by confinectl, confine-helper and confine-shell.
LIB_SRCS    := helper/log.c helper/units.c helper/config.c helper/privs.c helper/cgroup.c \
               helper/home.c helper/sandbox.c
LIB_OBJS    := $(LIB_SRCS:%.c=$(B)/%.o)

PROGS       := $(B)/confinectl
UNIT_TESTS  := $(B)/tests/test_units $(B)/tests/test_config

.PHONY: all clean check check-unit check-vm install deps try
all: $(PROGS)

$(B)/%.o: %.c $(wildcard helper/*.h pam_module/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libconfine.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/confinectl: $(B)/helper/confinectl.o $(B)/libconfine.a
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libconfine.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

check-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; ./$$t; done

check-vm: all
	bash tests/vm/run-vm.sh tests/vm/t*.sh

check: check-unit check-vm

clean:
	rm -rf $(B)
