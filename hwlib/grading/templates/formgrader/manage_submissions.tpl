{%- extends 'base.tpl' -%}
{#- hwlib: nbgrader 0.9's manage_submissions.tpl with its Autograde action replaced by a
    note: plain nbgrader autograde runs submissions unsandboxed (hwlib/grading/formgrader.py). -#}

{%- block head -%}
<script>
var assignment_id = "{{ assignment_id }}";
</script>

<script src="{{ base_url }}/formgrader/static/js/manage_submissions.js"></script>
<style>
/* the per-student Autograde links (plain, unsandboxed nbgrader autograde) are not offered */
td.autograde > a { display: none; }
</style>
{%- endblock head -%}

{%- block title -%}
Manage Submissions
{%- endblock -%}

{%- block sidebar -%}
<li role="presentation" class="active"><a href="{{ base_url }}/formgrader/manage_assignments">Manage Assignments</a></li>
<li role="presentation"><a href="{{ base_url }}/formgrader/gradebook">Manual Grading</a></li>
<li role="presentation"><a href="{{ base_url }}/formgrader/manage_students">Manage Students</a></li>
{%- endblock -%}

{%- block breadcrumbs -%}
<ol class="breadcrumb">
  <li><a href="{{ base_url }}/formgrader/manage_assignments">Assignments</a></li>
  <li class="active">{{ assignment_id }}</li>
</ol>
{%- endblock -%}

{%- block messages -%}
<div class="alert alert-warning" id="hwlib-autograde-note" role="alert">
  <b>Autograde with <code>python -m hwlib grade {{ assignment_id }} --collected</code> (sandboxed).</b>
  formgrader's Autograde action is disabled for this course: plain nbgrader autograde would run
  the submitted code unsandboxed (and the course refuses it). Run the command from the repository
  root, then grade the written answers here under "Manual Grading" and generate feedback.
</div>
{%- endblock -%}

{%- block table_header -%}
<tr>
  <th>Student Name</th>
  <th class="text-center">Student ID</th>
  <th class="text-center">Timestamp</th>
  <th class="text-center">Status</th>
  <th class="text-center">Score</th>
  <th class="text-center no-sort">Autograde (hwlib grade)</th>
  <th class="text-center no-sort">Generate Feedback</th>
  <th class="text-center no-sort">Release Feedback</th>
</tr>
{%- endblock -%}

{%- block table_body -%}
<tr>
  <td>Loading, please wait...</td>
  <td></td>
  <td></td>
  <td></td>
  <td></td>
  <td></td>
  <td></td>
  <td></td>
</tr>
{%- endblock -%}
