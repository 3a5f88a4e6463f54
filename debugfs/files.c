// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs files for rust_mempool: seq_file reads and strictly checked,
 * bounded command writes, both handed to Rust callbacks.
 *
 * debugfs_remove() waits for reads and writes in progress and cuts off
 * later ones; .owner keeps the module loaded while a file is open, so no
 * callback can run after the module is gone.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "files.h"

static int rmp_file_show(struct seq_file *m, void *unused)
{
	struct rmp_file *f = m->private;

	return f->ops->show(m, f->data);
}

static int rmp_file_open(struct inode *inode, struct file *file)
{
	return single_open(file, rmp_file_show, inode->i_private);
}

static ssize_t rmp_file_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct rmp_file *f = m->private;
	const char *name = file->f_path.dentry->d_parent->d_name.name;
	char *cmd;
	int ret;

	if (!f->ops->write)
		return -EPERM;
	/* One command per write, from the start: no partial or appended commands. */
	if (*ppos != 0) {
		pr_warn_ratelimited("rust_mempool: %s/control: write at offset %lld refused\n",
				    name, *ppos);
		return -EINVAL;
	}
	if (len > RMP_CTL_MAX) {
		pr_warn_ratelimited("rust_mempool: %s/control: %zu-byte write refused (at most %d)\n",
				    name, len, RMP_CTL_MAX);
		return -E2BIG;
	}
	cmd = memdup_user_nul(ubuf, len);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	ret = f->ops->write(f->data, cmd, len);
	kfree(cmd);
	if (ret) {
		pr_warn_ratelimited("rust_mempool: %s/control: command refused (%d)\n",
				    name, ret);
		return ret;
	}
	*ppos += len;
	return len;
}

static const struct file_operations rmp_file_fops = {
	.owner = THIS_MODULE,
	.open = rmp_file_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = rmp_file_write,
	.release = single_release,
};

struct dentry *rmp_debugfs_dir(const char *name, struct dentry *parent)
{
	struct dentry *d = debugfs_create_dir(name, parent);

	return IS_ERR(d) ? NULL : d;
}

/* @f must stay valid until the file is removed. */
struct dentry *rmp_debugfs_file(const char *name, struct dentry *parent,
				struct rmp_file *f)
{
	/* Control files are root-only: they change what the module holds. */
	struct dentry *d = debugfs_create_file(name, f->ops->write ? 0600 : 0444,
					       parent, f, &rmp_file_fops);

	return IS_ERR(d) ? NULL : d;
}

void rmp_debugfs_remove(struct dentry *dentry)
{
	/* Recursive; waits for active readers and writers, cuts off later ones. */
	debugfs_remove(dentry);
}
