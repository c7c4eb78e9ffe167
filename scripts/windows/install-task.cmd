@echo off
rem Registers the Task Scheduler task "Unattended ECR Connector" (unattended-ecr-connector.xml, beside this file)
rem for THIS installation's always-up.cmd, run as a Windows account without storing its password (S4U: a password
rem change does not stop the watchdog). Usage: install-task.cmd [DOMAIN\user]   (default: you)
rem The task definition is written by node (ecr task-xml): the install path XML-escaped, ECR_DATA_DIR (when set)
rem passed as a correctly quoted --data-dir. Running it again replaces the task.
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..\..") do set "ECR_ROOT=%%~fI"
set "ECR_TASK_OUT=%TEMP%\unattended-ecr-connector-%RANDOM%.xml"
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
set "ECR_TASK_USER=%~1"
if defined ECR_TASK_USER if "%ECR_TASK_USER:~0,1%"=="-" (>&2 echo install-task: unknown option& call :usage >&2 & exit /b 2)
if not defined ECR_TASK_USER set "ECR_TASK_USER=%USERDOMAIN%\%USERNAME%"
if not exist "%ECR_ROOT%\scripts\always-up.cmd" (echo install-task: always-up.cmd not found beside this folder& exit /b 1)
if defined ECR_DATA_DIR (call "%ECR_ROOT%\scripts\lib\ecr.cmd" task-xml --out "%ECR_TASK_OUT%" --data-dir "%ECR_DATA_DIR%\.") else call "%ECR_ROOT%\scripts\lib\ecr.cmd" task-xml --out "%ECR_TASK_OUT%"
if errorlevel 1 (echo install-task: could not prepare the task definition& exit /b 1)
echo Registering "Unattended ECR Connector": always-up.cmd of this installation every 5 minutes, as %ECR_TASK_USER% (no password stored).
schtasks /Create /TN "Unattended ECR Connector" /XML "%ECR_TASK_OUT%" /RU "%ECR_TASK_USER%" /NP /F
set "RC=%ERRORLEVEL%"
del "%ECR_TASK_OUT%" 2>nul
if not "%RC%"=="0" (echo install-task: schtasks failed; run this as an administrator, or create the task by hand ^(README^)& exit /b %RC%)
echo Done: the task starts the connector within 5 minutes. Check: schtasks /Query /TN "Unattended ECR Connector" /V /FO LIST
echo Pause the watchdog: schtasks /Change /TN "Unattended ECR Connector" /DISABLE   (/ENABLE to resume)
exit /b 0

:usage
echo usage: install-task.cmd [DOMAIN\user] [-h^|--help]
echo Registers the Task Scheduler task "Unattended ECR Connector" running this installation's always-up.cmd
echo every 5 minutes as that account (default: you), without storing its password.
exit /b 0
