import socket,subprocess,time,sys
def frame(b): b=b.encode(); return b'$'+b+b'#%02x'%(sum(b)&255)
port=45999
kind=sys.argv[1]
p=subprocess.Popen(['build/hyperstep','-M','virt,virtualization=on','-smp','4','-kernel','build/tests/gdb/gdb_smp_guest.elf','--stop-after','100000000','-S','-gdb','tcp::%d'%port],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
time.sleep(0.3)
s=socket.create_connection(('127.0.0.1',port))
s.sendall(frame('QStartNoAckMode')); time.sleep(0.1); s.recv(100)
if kind=='bp': s.sendall(frame('Z0,50000000,4'))
if kind=='wp': s.sendall(frame('Z2,50000000,8'))
if kind!='none': time.sleep(0.1); s.recv(100)
t=time.time(); s.sendall(frame('vCont;c'))
d=b''
while b'W' not in d:
    x=s.recv(100)
    if not x: break
    d+=x
print(kind, '%.2f s'%(time.time()-t), d)
p.wait()
