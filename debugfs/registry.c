// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of every cache and pool made with the library (registry.h):
 * a directory per owning module under rust_mempool's debugfs root, one per
 * entry in it, each with its stats file.
 *
 * Observation never fails or blocks its caller's real work. Adding an entry
 * fails only when the entry itself cannot be allocated, and the library then
 * goes on without showing it; a directory debugfs refuses (debugfs off, out
 * of memory) leaves the entry in the summary without one. Names stay unique
 * within a module at any count: a hash of (module, name) answers "taken?"
 * in constant time, and duplicates take "-2", then a per-module sequence.
 *
 * One mutex guards the lists, the hash and the root, and is held while the
 * summary calls an entry's ops->totals(), so an entry is never read after it
 * is removed. It is never held across the removal of a stats file, which
 * waits for reads in progress (a reader may stall in copy_to_user()):
 * rmp_registry_remove() marks the entry as leaving, removes its directory
 * without the lock, so that it waits only for readers of its own file, and
 * only then unlinks and frees the entry. Until then the entry keeps its name
 * and its owner's directory, and rmp_registry_close() waits for it. The
 * library removes an entry before it frees what the entry reads, and a
 * module's entries go before its code. An entry that outlives its module's
 * exit (a cache leaked with mem::forget) is removed when the module goes,
 * with a warning, since its callbacks are that module's code.
 */
#include <linux/ctype.h>
#include <linux/export.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/wait.h>

#include "files.h"
#include "registry.h"

/* Allocation by type (7.x), which checkpatch asks for; 6.12 has only kzalloc(). */
#ifndef kzalloc_obj
#define kzalloc_obj(P) kzalloc(sizeof(P), GFP_KERNEL)
#endif

/* The entries of one module, and its directory. */
struct rmp_owner {
	struct list_head node;
	struct module *module;
	char name[RMP_NAME_MAX];
	/* NULL while the registry is closed, or if debugfs refused it. */
	struct dentry *dir;
	struct list_head entries;
	/* The suffix the next duplicate name tries after "-2". */
	unsigned int seq;
};

struct rmp_entry {
	struct list_head node;
	/* In rmp_names, by owner and name. */
	struct hlist_node hnode;
	struct rmp_owner *owner;
	const struct rmp_entry_ops *ops;
	const void *data;
	char kind[8];
	char name[RMP_NAME_MAX];
	/* NULL if it has none; owned by a remover while the entry is leaving. */
	struct dentry *dir;
	bool leaving;
	/* The stats file's callbacks (rmp_entry_show) and this entry. */
	struct rmp_file file;
};

static DEFINE_MUTEX(rmp_lock);
static LIST_HEAD(rmp_owners);
static DEFINE_HASHTABLE(rmp_names, 10);
static struct dentry *rmp_root;
/* Entries whose directories are being removed without the lock. */
static unsigned int rmp_leaving;
static DECLARE_WAIT_QUEUE_HEAD(rmp_left);

static int rmp_entry_show(struct seq_file *m, const void *data)
{
	const struct rmp_entry *e = data;

	return e->ops->show(m, e->data);
}

static const struct rmp_file_ops rmp_entry_file_ops = {
	.show = rmp_entry_show,
};

/* @src as a directory name: [A-Za-z0-9_.-] only, at most @max - 1 bytes. */
static void rmp_sanitise(char *dst, const char *src, size_t max)
{
	size_t i;

	for (i = 0; i + 1 < max && src[i]; i++)
		dst[i] = isalnum(src[i]) || strchr("_.-", src[i]) ? src[i] : '_';
	dst[i] = '\0';
	/* debugfs refuses "." and "..", and an empty name. */
	if (!i || !strcmp(dst, ".") || !strcmp(dst, ".."))
		memset(dst, '_', i ? i : 1);
	dst[i ? i : 1] = '\0';
}

static u32 rmp_name_hash(const struct rmp_owner *o, const char *name)
{
	return full_name_hash(o, name, strlen(name));
}

static bool rmp_taken(const struct rmp_owner *o, const char *name)
{
	const struct rmp_entry *e;

	hash_for_each_possible(rmp_names, e, hnode, rmp_name_hash(o, name))
		if (e->owner == o && !strcmp(e->name, name))
			return true;
	return false;
}

/* @e->name: @base, or @base cut to make room for "-N", unique within @o. */
static void rmp_unique_name(struct rmp_owner *o, struct rmp_entry *e, const char *base)
{
	unsigned int n = 2;
	char suffix[12];
	int room;

	strscpy(e->name, base, sizeof(e->name));
	while (rmp_taken(o, e->name)) {
		room = (int)sizeof(e->name) - 1 - snprintf(suffix, sizeof(suffix), "-%u", n);
		snprintf(e->name, sizeof(e->name), "%.*s%s", room, base, suffix);
		/* "-2" first, then the module's sequence: constant time at any count. */
		n = ++o->seq;
	}
}

static struct rmp_owner *rmp_owner_get(struct module *module)
{
	struct rmp_owner *o;

	list_for_each_entry(o, &rmp_owners, node)
		if (o->module == module)
			return o;
	o = kzalloc_obj(*o);
	if (!o)
		return NULL;
	o->module = module;
	strscpy(o->name, module ? module->name : "kernel", sizeof(o->name));
	INIT_LIST_HEAD(&o->entries);
	o->seq = 2;
	if (rmp_root)
		o->dir = rmp_debugfs_dir(o->name, rmp_root);
	list_add_tail(&o->node, &rmp_owners);
	return o;
}

/* Frees @o if it has no entries; its directory is empty then, so no wait. */
static void rmp_owner_put(struct rmp_owner *o)
{
	if (!list_empty(&o->entries))
		return;
	rmp_debugfs_remove(o->dir);
	list_del(&o->node);
	kfree(o);
}

struct rmp_entry *rmp_registry_add(struct module *owner, const char *kind,
				   const char *name,
				   const struct rmp_entry_ops *ops,
				   const void *data)
{
	char base[RMP_NAME_MAX - 4];
	struct rmp_entry *e;
	struct rmp_owner *o;

	e = kzalloc_obj(*e);
	if (!e)
		return NULL;
	e->ops = ops;
	e->data = data;
	e->file.ops = &rmp_entry_file_ops;
	e->file.data = e;
	strscpy(e->kind, kind, sizeof(e->kind));
	rmp_sanitise(base, name, sizeof(base));

	mutex_lock(&rmp_lock);
	o = rmp_owner_get(owner);
	if (!o) {
		mutex_unlock(&rmp_lock);
		kfree(e);
		return NULL;
	}
	rmp_unique_name(o, e, base);
	/* Without a directory the entry still shows in the summary. */
	if (o->dir) {
		e->dir = rmp_debugfs_dir(e->name, o->dir);
		if (e->dir && !rmp_debugfs_file("stats", e->dir, &e->file)) {
			rmp_debugfs_remove(e->dir);
			e->dir = NULL;
		}
	}
	e->owner = o;
	list_add_tail(&e->node, &o->entries);
	hash_add(rmp_names, &e->hnode, rmp_name_hash(o, e->name));
	mutex_unlock(&rmp_lock);
	return e;
}
EXPORT_SYMBOL_GPL(rmp_registry_add);

/*
 * Removes @e, whose remover owns its directory (@e->leaving), and frees it.
 * Waits for reads of its stats file without the lock.
 */
static void rmp_entry_finish(struct rmp_entry *e)
{
	rmp_debugfs_remove(e->dir);
	mutex_lock(&rmp_lock);
	list_del(&e->node);
	hash_del(&e->hnode);
	rmp_owner_put(e->owner);
	if (!--rmp_leaving)
		wake_up_all(&rmp_left);
	mutex_unlock(&rmp_lock);
	kfree(e);
}

void rmp_registry_remove(struct rmp_entry *e)
{
	mutex_lock(&rmp_lock);
	e->leaving = true;
	rmp_leaving++;
	mutex_unlock(&rmp_lock);
	rmp_entry_finish(e);
}
EXPORT_SYMBOL_GPL(rmp_registry_remove);

/* Removes the entries of a module that goes: they would call into its freed code. */
static int rmp_module_going(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	struct rmp_entry *e, *left[16];
	struct rmp_owner *o;
	unsigned int i, n;

	if (state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	/* In batches, each removed without the lock. */
	do {
		n = 0;
		mutex_lock(&rmp_lock);
		list_for_each_entry(o, &rmp_owners, node) {
			if (o->module != mod)
				continue;
			list_for_each_entry(e, &o->entries, node) {
				if (e->leaving)
					continue;
				pr_warn("rust_mempool: %s left %s %s registered (leaked?): removed\n",
					o->name, e->kind, e->name);
				e->leaving = true;
				rmp_leaving++;
				left[n++] = e;
				if (n == ARRAY_SIZE(left))
					break;
			}
			break;
		}
		mutex_unlock(&rmp_lock);
		for (i = 0; i < n; i++)
			rmp_entry_finish(left[i]);
	} while (n == ARRAY_SIZE(left));
	return NOTIFY_DONE;
}

static struct notifier_block rmp_module_nb = {
	.notifier_call = rmp_module_going,
};

void rmp_registry_open(struct dentry *root)
{
	mutex_lock(&rmp_lock);
	rmp_root = root;
	mutex_unlock(&rmp_lock);
	register_module_notifier(&rmp_module_nb);
}

void rmp_registry_close(void)
{
	struct rmp_owner *o;
	struct rmp_entry *e;

	unregister_module_notifier(&rmp_module_nb);
	mutex_lock(&rmp_lock);
	/* A leaving entry's remover owns its directory: let it finish first. */
	while (rmp_leaving) {
		mutex_unlock(&rmp_lock);
		wait_event(rmp_left, !READ_ONCE(rmp_leaving));
		mutex_lock(&rmp_lock);
	}
	list_for_each_entry(o, &rmp_owners, node) {
		/* Recursive: the entries' files go too. */
		rmp_debugfs_remove(o->dir);
		o->dir = NULL;
		list_for_each_entry(e, &o->entries, node)
			e->dir = NULL;
	}
	rmp_root = NULL;
	mutex_unlock(&rmp_lock);
}

size_t rmp_registry_rows(struct rmp_row *rows, size_t max)
{
	const struct rmp_owner *o;
	const struct rmp_entry *e;
	size_t n = 0;

	mutex_lock(&rmp_lock);
	list_for_each_entry(o, &rmp_owners, node) {
		list_for_each_entry(e, &o->entries, node) {
			if (n < max) {
				struct rmp_row *r = &rows[n];

				strscpy(r->module, o->name, sizeof(r->module));
				strscpy(r->kind, e->kind, sizeof(r->kind));
				strscpy(r->name, e->name, sizeof(r->name));
				e->ops->totals(e->data, &r->totals);
			}
			n++;
		}
	}
	mutex_unlock(&rmp_lock);
	return n;
}
/* Exported for the tests, which read what the registry holds. */
EXPORT_SYMBOL_GPL(rmp_registry_rows);
