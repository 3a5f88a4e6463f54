// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of every cache and pool made with the library (registry.h):
 * a directory per owning module under rust_mempool's debugfs root, one per
 * entry in it, each with its stats file.
 *
 * One mutex guards the lists and the root, and is held while the summary
 * calls an entry's ops->totals(), so an entry is never read after it is
 * removed. A stats file is read without it: rmp_registry_remove() removes
 * the file first, which waits for reads in progress and cuts off later ones,
 * and frees the entry only then (holding the mutex meanwhile, so a reader
 * that stalls in copy_to_user() stalls registrations too). The library
 * removes an entry before it frees what the entry reads, and a module's
 * entries go before its code. An entry that outlives its module's exit (a
 * cache leaked with mem::forget) is removed when the module goes, with a
 * warning, since its callbacks are that module's code.
 */
#include <linux/ctype.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

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
};

struct rmp_entry {
	struct list_head node;
	struct rmp_owner *owner;
	const struct rmp_entry_ops *ops;
	const void *data;
	char kind[8];
	char name[RMP_NAME_MAX];
	struct dentry *dir;
	/* The stats file's callbacks (rmp_entry_show) and this entry. */
	struct rmp_file file;
};

static DEFINE_MUTEX(rmp_lock);
static LIST_HEAD(rmp_owners);
static struct dentry *rmp_root;

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

static bool rmp_taken(const struct rmp_owner *o, const char *name)
{
	const struct rmp_entry *e;

	list_for_each_entry(e, &o->entries, node)
		if (!strcmp(e->name, name))
			return true;
	return false;
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
	if (rmp_root)
		o->dir = rmp_debugfs_dir(o->name, rmp_root);
	list_add_tail(&o->node, &rmp_owners);
	return o;
}

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
	int n;

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
	if (!o)
		goto fail;
	strscpy(e->name, base, sizeof(e->name));
	for (n = 2; rmp_taken(o, e->name) && n < 1000; n++)
		snprintf(e->name, sizeof(e->name), "%s-%d", base, n);
	if (rmp_taken(o, e->name))
		goto fail_owner;
	if (o->dir) {
		e->dir = rmp_debugfs_dir(e->name, o->dir);
		if (!e->dir || !rmp_debugfs_file("stats", e->dir, &e->file))
			goto fail_owner;
	}
	e->owner = o;
	list_add_tail(&e->node, &o->entries);
	mutex_unlock(&rmp_lock);
	return e;

fail_owner:
	rmp_debugfs_remove(e->dir);
	rmp_owner_put(o);
fail:
	mutex_unlock(&rmp_lock);
	kfree(e);
	return NULL;
}
EXPORT_SYMBOL_GPL(rmp_registry_add);

void rmp_registry_remove(struct rmp_entry *e)
{
	mutex_lock(&rmp_lock);
	/* Waits for reads of the stats file in progress. */
	rmp_debugfs_remove(e->dir);
	list_del(&e->node);
	rmp_owner_put(e->owner);
	mutex_unlock(&rmp_lock);
	kfree(e);
}
EXPORT_SYMBOL_GPL(rmp_registry_remove);

/* Removes the entries of a module that goes: they would call into its freed code. */
static int rmp_module_going(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	struct rmp_entry *e, *tmp;
	struct rmp_owner *o;

	if (state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&rmp_lock);
	list_for_each_entry(o, &rmp_owners, node) {
		if (o->module != mod)
			continue;
		list_for_each_entry_safe(e, tmp, &o->entries, node) {
			pr_warn("rust_mempool: %s left %s %s registered (leaked?): removed\n",
				o->name, e->kind, e->name);
			rmp_debugfs_remove(e->dir);
			list_del(&e->node);
			kfree(e);
		}
		rmp_owner_put(o);
		break;
	}
	mutex_unlock(&rmp_lock);
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
