// forgegraph dashboard: changes. The create dialog (forge, owner, name, visibility, description,
// options), the edit dialog (rename and the other fields), archive/unarchive, and delete with a
// type-the-name confirmation. Each submission sends a fresh clientMutationId; errors (CONFLICT,
// FORBIDDEN, changes turned off, NOT_SUPPORTED, ...) are said in plain words in the dialog; on
// success the list or the repository page is read again at once (the server invalidates its caches
// after a write, so the change shows). Dialogs are <dialog> elements: Escape closes them.
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var $ = FG.$;

  function showError(box, text) {
    box.textContent = text;
    box.hidden = !text;
  }

  function busy(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll('button, input, select, textarea'), function (c) { c.disabled = on; });
  }

  // run sends one mutation and resolves with its payload, or rejects with a plain-words error.
  function run(op, input, field, provider, what) {
    return FG.gql(op, FG.Q[op], { input: input }).then(function (res) {
      if (FG.needsKey(res)) throw new Error('This server needs an API key: reload the page and give it.');
      var errs = res.body.errors || [];
      var payload = res.body.data && res.body.data[field];
      if (errs.length || !payload) throw new Error(FG.mutationError(errs[0] || { message: 'no answer' }, provider, what));
      return payload;
    });
  }

  function open(dialog, focus) {
    if (!dialog.open) dialog.showModal();
    if (focus) focus.focus();
  }

  // ---- create

  var createDialog = $('create-dialog');
  var createForm = $('create-form');
  var createError = $('create-error');
  var createId = null;

  FG.openCreate = function () {
    createForm.reset();
    showError(createError, '');
    busy(createForm, false);
    var p = FG.listState && FG.listState.owner ? FG.listState.owner.provider : FG.listState && FG.listState.provider;
    if (p) $('create-provider').value = p;
    if (FG.listState && FG.listState.owner) $('create-owner').value = FG.listState.owner.login;
    createId = FG.newMutationId();
    open(createDialog, $('create-name'));
  };

  createForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var provider = $('create-provider').value;
    var input = {
      provider: provider,
      name: $('create-name').value.trim(),
      visibility: $('create-visibility').value,
      hasIssuesEnabled: $('create-issues').checked,
      hasWikiEnabled: $('create-wiki').checked,
      autoInit: $('create-init').checked,
      clientMutationId: createId
    };
    var owner = $('create-owner').value.trim();
    if (owner) input.owner = owner;
    var desc = $('create-description').value.trim();
    if (desc) input.description = desc;
    if (!input.name) {
      showError(createError, 'Give the repository a name.');
      return;
    }
    busy(createForm, true);
    showError(createError, '');
    run('Create', input, 'createRepository', provider, 'create repositories').then(function (payload) {
      busy(createForm, false);
      createDialog.close();
      var r = payload.repository;
      FG.toast('Created ' + (r ? r.nameWithOwner : input.name) + ' on ' + FG.forgeName(provider) + '.');
      if (FG.listState.active) FG.reloadList(false);
    }, function (err) {
      busy(createForm, false);
      showError(createError, err.message);
      $('create-name').focus();
    });
  });

  // ---- edit, archive, delete (on the repository page)

  var editDialog = $('edit-dialog');
  var editForm = $('edit-form');
  var editError = $('edit-error');
  var deleteDialog = $('delete-dialog');
  var deleteForm = $('delete-form');
  var deleteError = $('delete-error');
  var target = null;
  var mutationId = null;

  function afterChange(repo, text) {
    FG.toast(text);
    var url = FG.repoHref(repo.provider, repo.nameWithOwner);
    history.replaceState(null, '', url);
    FG.showRepo(repo.provider, repo.nameWithOwner);
  }

  FG.repoAction = function (action, repo) {
    target = repo;
    mutationId = FG.newMutationId();
    if (action === 'edit') {
      editForm.reset();
      showError(editError, '');
      busy(editForm, false);
      $('edit-name').value = repo.name;
      $('edit-description').value = repo.description || '';
      $('edit-homepage').value = repo.homepageUrl || '';
      $('edit-visibility').value = repo.visibility || (repo.isPrivate ? 'PRIVATE' : 'PUBLIC');
      $('edit-branch').value = repo.defaultBranch || '';
      $('edit-issues').checked = !!repo.hasIssuesEnabled;
      $('edit-wiki').checked = !!repo.hasWikiEnabled;
      open(editDialog, $('edit-name'));
    } else if (action === 'archive') {
      var to = !repo.isArchived;
      run('Update', { repositoryId: repo.id, isArchived: to, clientMutationId: mutationId }, 'updateRepository', repo.provider,
        to ? 'archive repositories' : 'unarchive repositories').then(function (p) {
        afterChange(p.repository || repo, (to ? 'Archived ' : 'Unarchived ') + repo.nameWithOwner + '.');
      }, function (err) {
        FG.toast(err.message, 'error');
      });
    } else if (action === 'delete') {
      deleteForm.reset();
      showError(deleteError, '');
      busy(deleteForm, false);
      $('delete-name').textContent = repo.nameWithOwner;
      $('delete-forge').textContent = FG.forgeName(repo.provider);
      $('delete-submit').disabled = true;
      open(deleteDialog, $('delete-confirm'));
    }
  };

  editForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var r = target;
    var input = { repositoryId: r.id, clientMutationId: mutationId };
    var changed = 0;
    function set(key, value, old) {
      if (value !== old) {
        input[key] = value;
        changed++;
      }
    }
    set('name', $('edit-name').value.trim(), r.name);
    set('description', $('edit-description').value.trim(), r.description || '');
    set('homepageUrl', $('edit-homepage').value.trim(), r.homepageUrl || '');
    set('visibility', $('edit-visibility').value, r.visibility || (r.isPrivate ? 'PRIVATE' : 'PUBLIC'));
    if ($('edit-branch').value.trim()) set('defaultBranch', $('edit-branch').value.trim(), r.defaultBranch || '');
    set('hasIssuesEnabled', $('edit-issues').checked, !!r.hasIssuesEnabled);
    set('hasWikiEnabled', $('edit-wiki').checked, !!r.hasWikiEnabled);
    if (!input.name && 'name' in input) {
      showError(editError, 'The name cannot be empty.');
      return;
    }
    if (!changed) {
      editDialog.close();
      return;
    }
    busy(editForm, true);
    run('Update', input, 'updateRepository', r.provider, 'change repositories').then(function (p) {
      busy(editForm, false);
      editDialog.close();
      afterChange(p.repository || r, 'Saved ' + ((p.repository && p.repository.nameWithOwner) || r.nameWithOwner) + '.');
    }, function (err) {
      busy(editForm, false);
      showError(editError, err.message);
    });
  });

  $('delete-confirm').addEventListener('input', function () {
    $('delete-submit').disabled = !target || $('delete-confirm').value !== target.nameWithOwner;
  });
  deleteForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var r = target;
    if (!r || $('delete-confirm').value !== r.nameWithOwner) {
      showError(deleteError, 'Type ' + (r ? r.nameWithOwner : 'the full name') + ' exactly to confirm.');
      return;
    }
    busy(deleteForm, true);
    run('Delete', { repositoryId: r.id, confirmNameWithOwner: r.nameWithOwner, clientMutationId: mutationId }, 'deleteRepository',
      r.provider, 'delete repositories').then(function () {
      busy(deleteForm, false);
      deleteDialog.close();
      FG.toast('Deleted ' + r.nameWithOwner + ' from ' + FG.forgeName(r.provider) + '.');
      history.pushState(null, '', '/dashboard');
      FG.route();
    }, function (err) {
      busy(deleteForm, false);
      $('delete-submit').disabled = false;
      showError(deleteError, err.message);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll('dialog [data-close]'), function (b) {
    b.addEventListener('click', function () { b.closest('dialog').close(); });
  });
})();
